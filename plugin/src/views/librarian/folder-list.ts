import { useEffect, useState } from 'preact/hooks';
import type { FoldersResponse } from '../../../../shared/contracts/search';
import type { ConnectionMonitor } from '../../connection';
import { daemonClient } from './daemon';

/**
 * The vault's folders for the folder filter's suggestions, read when `enabled` (the filters are
 * shown) and again whenever `refresh` changes (an index run ended). A failure leaves the list as
 * it was: the field still takes any folder typed.
 */
export function useFolders(monitor: ConnectionMonitor, vault: () => string | undefined, enabled: boolean, refresh: number): FoldersResponse['folders'] {
  const [folders, setFolders] = useState<FoldersResponse['folders']>([]);
  useEffect(() => {
    if (!enabled) return;
    const controller = new AbortController();
    daemonClient(monitor)
      .then((client) => client.folders(vault(), controller.signal))
      .then(
        (response) => !controller.signal.aborted && setFolders(response.folders),
        () => undefined,
      );
    return () => controller.abort();
  }, [monitor, vault, enabled, refresh]);
  return folders;
}
