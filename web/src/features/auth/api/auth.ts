import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { request } from '@/lib/api-client';
import { session } from '@/lib/session';

// ---- schemas (rules mirror the API: register's email/password/fullName) ----
export const tokenPairSchema = z.object({
  accessToken: z.string().min(1),
  expiresIn: z.number(),
});

export const userSchema = z.object({
  id: z.string(),
  email: z.string(),
  fullName: z.string().nullish(),
  roles: z.array(z.string()).default(['customer']),
  customerId: z.string().nullish(),
  kycStatus: z.string().nullish(),
  mfaEnabled: z.boolean().default(false),
});
export type User = z.infer<typeof userSchema>;

/** The API's rule (api/lib/passwords.ts): 10+ characters mixing three of four character classes. */
export const passwordRule = z
  .string()
  .min(10, 'Use at least 10 characters.')
  .max(128, 'Use at most 128 characters.')
  .refine(
    (p) => [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((re) => re.test(p)).length >= 3,
    'Mix at least three of: lowercase, uppercase, digits, symbols.',
  )
  .refine((p) => !/^(.)\1+$/.test(p), 'Do not repeat a single character.');

export const registerInput = z
  .object({
    fullName: z.string().trim().min(1, 'Enter your full name.').max(200),
    email: z.email('Enter a valid email address.'),
    password: passwordRule,
  })
  .refine(
    (v) => {
      const local = v.email.split('@')[0]?.toLowerCase() ?? '';
      return local.length < 4 || !v.password.toLowerCase().includes(local);
    },
    { path: ['password'], message: 'Do not use your email address in your password.' },
  );
export type RegisterInput = z.infer<typeof registerInput>;

export const loginInput = z.object({
  email: z.email('Enter a valid email address.'),
  password: z.string().min(1, 'Enter your password.'),
  totp: z
    .string()
    .regex(/^\d{6}$/, 'Enter the 6-digit code from your authenticator app.')
    .optional(),
});
export type LoginInput = z.infer<typeof loginInput>;

export const mfaSetupSchema = z.object({
  secret: z.string(),
  otpauthUrl: z.string().optional(),
  otpauthUri: z.string().optional(),
});

// ---- fetchers ----
export const getMe = () => request('/auth/me', userSchema);

export async function login(input: LoginInput) {
  // The refresh token comes back as an HttpOnly cookie, out of this code's reach.
  const pair = await request('/auth/login', tokenPairSchema, {
    body: { ...input, refreshTokenDelivery: 'cookie' },
    anonymous: true,
  });
  session.set(pair);
  return pair;
}

export const register = (input: RegisterInput) =>
  request('/auth/register', z.object({ id: z.string() }).loose(), { body: input, anonymous: true });

/** Revokes the cookie's token family server-side and clears the cookie. */
export async function logout() {
  try {
    await request('/auth/logout', null, { body: {}, anonymous: true });
  } finally {
    session.clear();
  }
}

export const setupMfa = () => request('/auth/mfa/setup', mfaSetupSchema, { method: 'POST' });
export const enableMfa = (totp: string) => request('/auth/mfa/enable', null, { body: { totp } });

// ---- hooks ----
export const meQueryKey = ['auth', 'me'] as const;

export function useMe(enabled = true) {
  return useQuery({ queryKey: meQueryKey, queryFn: getMe, enabled, staleTime: 30_000 });
}

export function useLogin() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: login,
    onSuccess: () => qc.invalidateQueries({ queryKey: meQueryKey }),
  });
}

export function useRegister() {
  return useMutation({ mutationFn: register });
}

export function useLogout() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: logout, onSettled: () => qc.clear() });
}

export function useSetupMfa() {
  return useMutation({ mutationFn: setupMfa });
}

export function useEnableMfa() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: enableMfa,
    onSuccess: () => qc.invalidateQueries({ queryKey: meQueryKey }),
  });
}
