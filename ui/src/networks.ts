// The networks as the UI shows them: fixed order in the connect popup and
// brand names (never translated).

import type { NetworkId, NetworkInfo } from './ipc';

export const NETWORK_ORDER: NetworkId[] = [
  'instagram',
  'facebook',
  'linkedin',
  'google_business',
  'x',
  'tiktok',
  'wechat',
];

const NAMES: Record<NetworkId, string> = {
  instagram: 'Instagram',
  facebook: 'Facebook',
  linkedin: 'LinkedIn',
  google_business: 'Google Business Profile',
  x: 'X',
  tiktok: 'TikTok',
  wechat: 'WeChat',
};

export function networkName(id: NetworkId, networks: NetworkInfo[] = []): string {
  return networks.find((n) => n.id === id)?.name ?? NAMES[id] ?? id;
}

/** Networks in Herald's display order; unknown ids keep their backend order at the end. */
export function sortNetworks(networks: NetworkInfo[]): NetworkInfo[] {
  const rank = (id: NetworkId) => {
    const i = NETWORK_ORDER.indexOf(id);
    return i === -1 ? NETWORK_ORDER.length : i;
  };
  return networks
    .map((network, index) => ({ network, index }))
    .sort((a, b) => rank(a.network.id) - rank(b.network.id) || a.index - b.index)
    .map(({ network }) => network);
}
