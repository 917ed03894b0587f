import { useRef, useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/Button';
import { Card } from '@/components/ui/Card';
import { Input, Select } from '@/components/ui/Input';
import { plainMessage } from '@/lib/errors';
import { newIdempotencyKey } from '@/lib/format';
import { kycInput, SUPPORTED_COUNTRIES, useSubmitKyc } from '../api/kyc';
import { DocumentUpload } from './DocumentUpload';

interface Values {
  legalName: string;
  dateOfBirth: string;
  line1: string;
  line2: string;
  city: string;
  postalCode: string;
  country: string;
  nationalId: string;
  idDocumentId: string;
  proofOfAddressDocumentId: string;
}
type Errors = Partial<Record<keyof Values, string>>;

const EMPTY: Values = {
  legalName: '',
  dateOfBirth: '',
  line1: '',
  line2: '',
  city: '',
  postalCode: '',
  country: 'US',
  nationalId: '',
  idDocumentId: '',
  proofOfAddressDocumentId: '',
};

export function toKycInput(v: Values) {
  return {
    legalName: v.legalName,
    dateOfBirth: v.dateOfBirth,
    address: {
      line1: v.line1,
      ...(v.line2.trim() ? { line2: v.line2 } : {}),
      city: v.city,
      postalCode: v.postalCode,
      country: v.country,
    },
    nationalId: v.nationalId,
    idDocumentId: v.idDocumentId,
    proofOfAddressDocumentId: v.proofOfAddressDocumentId,
  };
}

export function KycForm({
  onSubmitted,
  defaultName = '',
}: {
  onSubmitted: () => void;
  defaultName?: string;
}) {
  const [v, setV] = useState<Values>({ ...EMPTY, legalName: defaultName });
  const [errors, setErrors] = useState<Errors>({});
  const key = useRef<{ key: string; fp: string } | null>(null);
  const mutation = useSubmitKyc();
  const set = (k: keyof Values) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) => {
    setV((p) => ({ ...p, [k]: e.target.value }));
    setErrors((x) => ({ ...x, [k]: undefined }));
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (mutation.isPending) return;
    const parsed = kycInput.safeParse(toKycInput(v));
    if (!parsed.success) {
      const next: Errors = {};
      for (const issue of parsed.error.issues) {
        const path = issue.path;
        const field = (path[0] === 'address' ? path[1] : path[0]) as keyof Values;
        next[field] ??= issue.message;
      }
      setErrors(next);
      return;
    }
    setErrors({});
    const fp = JSON.stringify(parsed.data);
    if (key.current?.fp !== fp) key.current = { key: newIdempotencyKey(), fp };
    mutation.mutate({ input: parsed.data, key: key.current.key }, { onSuccess: onSubmitted });
  };

  return (
    <form className="form" onSubmit={submit} noValidate aria-label="Verify your identity">
      <Card title="About you">
        <div className="form">
          <Input
            label="Full legal name"
            hint="As it appears on your identity document."
            autoComplete="name"
            value={v.legalName}
            onChange={set('legalName')}
            error={errors.legalName}
          />
          <div className="form-row">
            <Input
              label="Date of birth"
              type="date"
              autoComplete="bday"
              value={v.dateOfBirth}
              onChange={set('dateOfBirth')}
              error={errors.dateOfBirth}
            />
            <Input
              label="National id number"
              hint="Encrypted and never shown in full: only its last 4 digits."
              autoComplete="off"
              value={v.nationalId}
              onChange={set('nationalId')}
              error={errors.nationalId}
            />
          </div>
        </div>
      </Card>
      <Card title="Home address">
        <div className="form">
          <Input
            label="Street address"
            autoComplete="address-line1"
            value={v.line1}
            onChange={set('line1')}
            error={errors.line1}
          />
          <Input
            label="Apartment, suite"
            optional
            autoComplete="address-line2"
            value={v.line2}
            onChange={set('line2')}
          />
          <div className="form-row">
            <Input
              label="City"
              autoComplete="address-level2"
              value={v.city}
              onChange={set('city')}
              error={errors.city}
            />
            <Input
              label="Postal code"
              autoComplete="postal-code"
              value={v.postalCode}
              onChange={set('postalCode')}
              error={errors.postalCode}
            />
          </div>
          <Select
            label="Country"
            autoComplete="country"
            value={v.country}
            onChange={set('country')}
            error={errors.country}
          >
            {SUPPORTED_COUNTRIES.map(([code, name]) => (
              <option key={code} value={code}>
                {name}
              </option>
            ))}
          </Select>
        </div>
      </Card>
      <Card title="Documents">
        <div className="form">
          <DocumentUpload
            kind="ID_DOCUMENT"
            label="Identity document"
            hint="A passport, driving licence or national identity card."
            documentId={v.idDocumentId}
            onUploaded={(id) => {
              setV((p) => ({ ...p, idDocumentId: id }));
              setErrors((x) => ({ ...x, idDocumentId: undefined }));
            }}
            error={errors.idDocumentId}
          />
          <DocumentUpload
            kind="PROOF_OF_ADDRESS"
            label="Proof of address"
            hint="A utility bill or bank statement from the last 3 months."
            documentId={v.proofOfAddressDocumentId}
            onUploaded={(id) => {
              setV((p) => ({ ...p, proofOfAddressDocumentId: id }));
              setErrors((x) => ({ ...x, proofOfAddressDocumentId: undefined }));
            }}
            error={errors.proofOfAddressDocumentId}
          />
        </div>
      </Card>
      {mutation.isError && (
        <p className="form-error" role="alert">
          {plainMessage(mutation.error)}
        </p>
      )}
      <div className="form-actions">
        <Button type="submit" loading={mutation.isPending}>
          Submit for verification
        </Button>
      </div>
    </form>
  );
}
