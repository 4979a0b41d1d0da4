// Report "first frame rendered" the same way Herald's UI does.
requestAnimationFrame(() => requestAnimationFrame(() => window.__TAURI_INTERNALS__.invoke("ready")));
