export interface PayerAccount {
  id: string;
  number?: string | null;
  type: string;
  currency: string;
  status: string;
}

export function payerLabel(id: string, accounts: PayerAccount[]): string {
  const a = accounts.find((x) => x.id === id);
  if (!a) return id;
  return `${a.type.charAt(0)}${a.type.slice(1).toLowerCase()} · ${a.number ?? a.id}`;
}
