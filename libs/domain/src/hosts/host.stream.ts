/** One stream per managed host: its registration and the agent's inventory reports. */
export const HOST_CATEGORY = 'host-';

export function hostStream(hostId: string): string {
  return `${HOST_CATEGORY}${hostId}`;
}
