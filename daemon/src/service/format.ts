import { displayCommand } from './escape';
import type { ServicePlan } from './types';

/** Hides passwords in URLs for display (the files themselves carry them, written 0600). */
function mask(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@"']*:)[^\s@/]+@/gi, '$1***@');
}

/** The plan as `--dry-run` prints it: every step, every file's full content, every command's argv. */
export function formatPlan(plan: ServicePlan, platform: string): string {
  const lines = [`Plan (${plan.kind}, ${plan.action}): ${plan.summary}`];
  plan.steps.forEach((step, i) => {
    const n = `${i + 1}.`;
    switch (step.kind) {
      case 'check':
        lines.push(`${n} check: ${displayCommand(step.argv, platform)}  (${step.why})`);
        break;
      case 'mkdir':
        lines.push(`${n} create folder ${step.path} (if missing)`);
        break;
      case 'write': {
        const how = [step.mode === undefined ? undefined : `mode ${step.mode.toString(8)}`, step.encoding === 'utf16le-bom' ? 'UTF-16LE with BOM' : undefined]
          .filter(Boolean)
          .join(', ');
        lines.push(`${n} write ${step.path}${how ? ` (${how})` : ''}:`);
        for (const line of step.content.replace(/\r\n/g, '\n').replace(/\n$/, '').split('\n')) lines.push(`     | ${mask(line)}`);
        break;
      }
      case 'copy':
        lines.push(`${n} copy ${step.from} to ${step.to}`);
        break;
      case 'run':
        lines.push(`${n} run: ${mask(displayCommand(step.argv, platform))}  (${step.why}${step.mayFail ? '; may fail' : ''}${step.detached ? '; detached' : ''})`);
        break;
      case 'remove':
        lines.push(`${n} remove ${step.path}`);
        break;
      case 'rmdir':
        lines.push(`${n} remove folder ${step.path} (if empty)`);
        break;
    }
  });
  if (plan.notes.length) lines.push('Notes:', ...plan.notes.map((note) => `  - ${note}`));
  return `${lines.join('\n')}\n`;
}
