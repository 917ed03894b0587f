import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { API_BASE, request, toApiError } from '@/lib/api-client';
import { ApiError } from '@/lib/errors';
import { session } from '@/lib/session';

export const KYC_STATUSES = [
  'NOT_STARTED',
  'PENDING',
  'IN_REVIEW',
  'APPROVED',
  'REJECTED',
] as const;
export const kycStatusSchema = z.object({
  status: z.string(),
  reasons: z
    .array(z.string())
    .nullish()
    .transform((r) => r ?? []),
});
export type KycState = z.infer<typeof kycStatusSchema>;

/** Same rules as the API (issue 5): adult, address, supported country, national id. */
export const SUPPORTED_COUNTRIES = [
  ['US', 'United States'],
  ['GB', 'United Kingdom'],
  ['DE', 'Germany'],
  ['FR', 'France'],
  ['NL', 'Netherlands'],
  ['IE', 'Ireland'],
  ['ES', 'Spain'],
  ['IT', 'Italy'],
  ['CH', 'Switzerland'],
  ['JP', 'Japan'],
  ['CA', 'Canada'],
] as const;

export function isAdult(dateOfBirth: string, now = new Date()): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(dateOfBirth);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const eighteenth = new Date(Date.UTC(y + 18, mo - 1, d));
  return eighteenth.getTime() <= now.getTime();
}

export const kycInput = z.object({
  legalName: z.string().trim().min(2, 'Enter your full legal name.').max(200),
  dateOfBirth: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'Enter your date of birth.')
    .refine((d) => isAdult(d), 'You must be at least 18 years old.'),
  address: z.object({
    line1: z.string().trim().min(1, 'Enter your street address.').max(200),
    line2: z.string().trim().max(200).optional(),
    city: z.string().trim().min(1, 'Enter your city.').max(100),
    postalCode: z.string().trim().min(2, 'Enter your postal code.').max(20),
    country: z.string().length(2, 'Choose your country.'),
  }),
  nationalId: z
    .string()
    .trim()
    .min(4, 'Enter your national id number.')
    .max(32)
    .regex(/^[A-Za-z0-9 -]+$/, 'Use only letters, digits, spaces and dashes.'),
  idDocumentId: z.string().min(1, 'Upload an identity document.'),
  proofOfAddressDocumentId: z.string().min(1, 'Upload a proof of address.'),
});
export type KycInput = z.infer<typeof kycInput>;

export const DOCUMENT_TYPES = ['application/pdf', 'image/png', 'image/jpeg'];
export const MAX_DOCUMENT_BYTES = 5 * 1024 * 1024;

export function checkDocumentFile(file: File): string | null {
  const okName = /\.(pdf|png|jpe?g)$/i.test(file.name);
  if (!okName || (file.type && !DOCUMENT_TYPES.includes(file.type)))
    return 'Use a PDF, PNG or JPEG file.';
  if (file.size > MAX_DOCUMENT_BYTES) return 'The file is larger than 5 MB.';
  if (file.size < 64) return 'The file looks empty.';
  return null;
}

// ---- fetchers ----
export const kycKey = ['kyc'] as const;
export const getKyc = () => request('/kyc', kycStatusSchema);
export const submitKyc = (input: KycInput, idempotencyKey: string) =>
  request('/kyc', z.object({ status: z.string(), workflowId: z.string().optional() }).loose(), {
    body: input,
    idempotencyKey,
  });

const documentSchema = z.object({ id: z.string() }).loose();

/**
 * Multipart upload with progress (XMLHttpRequest: fetch has no upload progress events).
 * Retries once after a silent token refresh on 401.
 */
export function uploadDocument(
  file: File,
  kind: 'ID_DOCUMENT' | 'PROOF_OF_ADDRESS',
  onProgress: (fraction: number) => void,
  idempotencyKey: string,
): Promise<{ id: string }> {
  const send = () =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', `${API_BASE}/kyc/documents`);
      const token = session.getAccessToken();
      if (token) xhr.setRequestHeader('authorization', `Bearer ${token}`);
      xhr.setRequestHeader('idempotency-key', idempotencyKey);
      xhr.upload.onprogress = (e) => {
        if (e.lengthComputable) onProgress(e.loaded / e.total);
      };
      xhr.onload = () => resolve({ status: xhr.status, body: xhr.responseText });
      xhr.onerror = () => reject(new ApiError(0, 'NETWORK', 'Network error'));
      const form = new FormData();
      form.append('kind', kind);
      form.append('file', file, file.name);
      xhr.send(form);
    });
  return (async () => {
    let res = await send();
    if (res.status === 401 && (await session.refresh())) res = await send();
    if (res.status < 200 || res.status >= 300) {
      throw await toApiError(new Response(res.body || null, { status: res.status }));
    }
    onProgress(1);
    return documentSchema.parse(JSON.parse(res.body));
  })();
}

// ---- hooks ----
export function useKyc() {
  return useQuery({
    queryKey: kycKey,
    queryFn: getKyc,
    // The status page updates itself while a decision is pending.
    refetchInterval: (q) =>
      q.state.data && ['PENDING', 'IN_REVIEW'].includes(q.state.data.status) ? 3000 : false,
    refetchOnWindowFocus: true,
  });
}

export function useSubmitKyc() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ input, key }: { input: KycInput; key: string }) => submitKyc(input, key),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: kycKey });
      void qc.invalidateQueries({ queryKey: ['auth', 'me'] });
    },
  });
}
