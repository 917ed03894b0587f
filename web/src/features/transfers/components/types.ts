/** What the transfer screens need to know about the customer's own accounts (passed in by the page). */
export interface OwnAccount {
  id: string;
  number?: string | null;
  type: string;
  currency: string;
  status: string;
  balances: { available: number };
}

export function accountLabel(a: OwnAccount): string {
  const type = a.type.charAt(0) + a.type.slice(1).toLowerCase();
  return `${type} · ${a.number ?? a.id}`;
}

export function describeAccount(id: string, accounts: OwnAccount[]): string {
  const a = accounts.find((x) => x.id === id);
  return a ? accountLabel(a) : id;
}
