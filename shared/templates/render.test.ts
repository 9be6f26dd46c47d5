import { describe, expect, it } from 'vitest';
import { formatDate, renderTemplate } from './render';

// Local-time components, so the expectations hold in every time zone.
const friday = new Date(2024, 0, 5, 9, 7, 3, 45); // Fri 5 Jan 2024 09:07:03.045
const evening = new Date(2023, 11, 31, 21, 30, 0); // Sun 31 Dec 2023 21:30
const midnight = new Date(2024, 1, 29, 0, 5, 9); // Thu 29 Feb 2024 00:05:09

describe('formatDate', () => {
  it('writes every supported token', () => {
    expect(formatDate(friday, 'YYYY YY Q MMMM MMM MM M Do DD D dddd ddd dd d')).toBe('2024 24 1 January Jan 01 1 5th 05 5 Friday Fri Fr 5');
    expect(formatDate(friday, 'HH H hh h kk k mm m ss s SSS A a')).toBe('09 9 09 9 09 9 07 7 03 3 045 AM am');
    expect(formatDate(evening, 'HH:mm h:mm A dddd Do MMMM Q')).toBe('21:30 9:30 PM Sunday 31st December 4');
    expect(formatDate(midnight, 'HH hh h kk k A')).toBe('00 12 12 24 24 AM');
  });

  it('writes ordinals the English way', () => {
    const day = (d: number) => formatDate(new Date(2024, 2, d), 'Do');
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 24, 31].map(day)).toEqual(['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd', '23rd', '24th', '31st']);
  });

  it('writes Japanese names with the ja locale', () => {
    expect(formatDate(friday, 'YYYY年M月D日 (ddd) dddd MMMM Do A h時', 'ja')).toBe('2024年1月5日 (金) 金曜日 1月 5日 午前 9時');
    expect(formatDate(evening, 'A h:mm', 'ja')).toBe('午後 9:30');
  });

  it('copies [literal] text and characters that are not tokens', () => {
    expect(formatDate(friday, '[Week of] YYYY-MM-DD, [at] HH:mm! T')).toBe('Week of 2024-01-05, at 09:07! T');
    expect(formatDate(friday, '')).toBe('');
  });

  it('writes X and x from the instant', () => {
    expect(formatDate(friday, 'X x')).toBe(`${Math.floor(friday.getTime() / 1000)} ${friday.getTime()}`);
  });
});

describe('renderTemplate', () => {
  it('fills title, date and time with the defaults and with formats', () => {
    const template = [
      '---',
      'created: {{date}} {{time}}',
      'tags: [daily]',
      '---',
      '# {{title}}',
      '',
      'Week of {{date:YYYY-[W]MM}} — started at {{time:h:mm A}}.',
      '{{ Title }} / {{DATE:dddd}}',
    ].join('\n');
    expect(renderTemplate(template, { title: 'Standup notes', now: friday })).toBe(
      [
        '---',
        'created: 2024-01-05 09:07',
        'tags: [daily]',
        '---',
        '# Standup notes',
        '',
        'Week of 2024-W01 — started at 9:07 AM.',
        'Standup notes / Friday',
      ].join('\n'),
    );
  });

  it('uses the configured default formats and the locale', () => {
    expect(renderTemplate('{{date}} {{time}} {{date:}}', { title: 't', now: evening, dateFormat: 'YYYY/MM/DD (ddd)', timeFormat: 'A h時mm分', locale: 'ja' })).toBe(
      '2023/12/31 (日) 午後 9時30分 2023/12/31 (日)',
    );
  });

  it('leaves unknown placeholders and other braces exactly as written', () => {
    const template = '{{title}} {{tp.date.now()}} {{query}} {{title:upper}} {single} {{ date :YYYY}} {{date';
    expect(renderTemplate(template, { title: '議事録', now: friday })).toBe('議事録 {{tp.date.now()}} {{query}} {{title:upper}} {single} 2024 {{date');
  });

  it('inserts a title with $ and braces literally', () => {
    expect(renderTemplate('# {{title}}', { title: 'Cost $& {{date}}', now: friday })).toBe('# Cost $& {{date}}');
  });
});
