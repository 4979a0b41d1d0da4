import { beforeEach, describe, expect, it, vi } from 'vitest';

const bindings = vi.hoisted(() => ({
  commands: {
    accountsList: vi.fn(),
    accountsConnectBegin: vi.fn(),
    credentialsSave: vi.fn(),
    dataExport: vi.fn(),
    dataImport: vi.fn(),
  },
  listen: vi.fn(),
}));

vi.mock('./bindings', () => ({
  commands: bindings.commands,
  events: { accountsChanged: { listen: bindings.listen, once: vi.fn() } },
}));

import { AppError, ipc, toAppError } from './index';

beforeEach(() => {
  vi.resetAllMocks();
});

describe('ipc', () => {
  it('returns the data of a successful command', async () => {
    bindings.commands.accountsList.mockResolvedValue({ status: 'ok', data: [] });
    await expect(ipc.accountsList()).resolves.toEqual([]);
  });

  it('passes arguments through unchanged', async () => {
    bindings.commands.credentialsSave.mockResolvedValue({
      status: 'ok',
      data: { network: 'facebook', clientId: 'id', hasSecret: true },
    });
    await ipc.credentialsSave('facebook', 'id', null);
    expect(bindings.commands.credentialsSave).toHaveBeenCalledWith('facebook', 'id', null);
  });

  it('hands the picked file contents to data_import and returns the summary', async () => {
    bindings.commands.dataImport.mockResolvedValue({ status: 'ok', data: { settings: 1, credentials: 0, accounts: 2 } });
    const contents = '{"format":"herald-export","version":1}';
    await expect(ipc.dataImport(contents)).resolves.toEqual({ settings: 1, credentials: 0, accounts: 2 });
    expect(bindings.commands.dataImport).toHaveBeenCalledWith(contents);
  });

  it('returns where data_export wrote the file, or throws its error', async () => {
    bindings.commands.dataExport.mockResolvedValueOnce({ status: 'ok', data: { path: '/home/anna/Documents/herald.json' } });
    await expect(ipc.dataExport()).resolves.toEqual({ path: '/home/anna/Documents/herald.json' });
    bindings.commands.dataExport.mockResolvedValueOnce({ status: 'error', error: { code: 'storage', message: 'disk full' } });
    await expect(ipc.dataExport()).rejects.toMatchObject({ code: 'storage', message: 'disk full' });
  });

  it('throws an AppError carrying the typed code of a backend error', async () => {
    bindings.commands.accountsConnectBegin.mockResolvedValue({
      status: 'error',
      error: { code: 'credentials_missing', message: 'no client id for google_business' },
    });
    const err = await ipc.accountsConnectBegin('google_business', null).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'credentials_missing', message: 'no client id for google_business' });
  });

  it('turns a thrown Error (e.g. Tauri missing) into an internal AppError', async () => {
    bindings.commands.accountsList.mockRejectedValue(new TypeError('window.__TAURI_INTERNALS__ is undefined'));
    await expect(ipc.accountsList()).rejects.toMatchObject({ code: 'internal' });
  });

  it('copes with a backend error that is a bare string', () => {
    expect(toAppError('command accounts_list not found')).toMatchObject({
      code: 'internal',
      message: 'command accounts_list not found',
    });
  });

  it('listens to accounts-changed and hands back the unlisten function', async () => {
    const unlisten = vi.fn();
    bindings.listen.mockResolvedValue(unlisten);
    const cb = vi.fn();
    const stop = await ipc.onAccountsChanged(cb);
    const handler = bindings.listen.mock.calls[0][0] as (event: unknown) => void;
    handler({ event: 'accounts-changed', id: 1, payload: null });
    expect(cb).toHaveBeenCalledTimes(1);
    stop();
    expect(unlisten).toHaveBeenCalled();
  });

  it('builds AppError even when inherited properties are read-only (Tauri freezePrototype)', () => {
    const original = Object.getOwnPropertyDescriptor(Error.prototype, 'name')!;
    Object.defineProperty(Error.prototype, 'name', { ...original, writable: false });
    try {
      const err = new AppError('storage', 'disk full');
      expect(err.name).toBe('AppError');
      expect(err.code).toBe('storage');
    } finally {
      Object.defineProperty(Error.prototype, 'name', original);
    }
  });
});
