import { useId, useRef, useState } from 'react';
import { plainMessage } from '@/lib/errors';
import { newIdempotencyKey } from '@/lib/format';
import { checkDocumentFile, uploadDocument } from '../api/kyc';

type Kind = 'ID_DOCUMENT' | 'PROOF_OF_ADDRESS';

export function DocumentUpload({
  kind,
  label,
  hint,
  documentId,
  onUploaded,
  error,
}: {
  kind: Kind;
  label: string;
  hint: string;
  documentId: string;
  onUploaded: (id: string) => void;
  error?: string;
}) {
  const id = useId();
  const [progress, setProgress] = useState<number | null>(null);
  const [name, setName] = useState<string | null>(null);
  const [uploadError, setUploadError] = useState<string | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);

  const onFile = async (file: File | undefined) => {
    if (!file) return;
    const problem = checkDocumentFile(file);
    setName(file.name);
    if (problem) {
      setUploadError(problem);
      return;
    }
    setUploadError(null);
    setProgress(0);
    try {
      const doc = await uploadDocument(file, kind, setProgress, newIdempotencyKey());
      onUploaded(doc.id);
    } catch (err) {
      setUploadError(plainMessage(err));
      setProgress(null);
    }
  };

  const shownError = uploadError ?? error;
  const pct = progress === null ? null : Math.round(progress * 100);
  return (
    <div className={`field ${shownError ? 'field-invalid' : ''}`}>
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      <div className="file-drop">
        <input
          ref={inputRef}
          id={id}
          type="file"
          accept=".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"
          aria-describedby={`${id}-hint`}
          aria-invalid={shownError ? true : undefined}
          onChange={(e) => void onFile(e.target.files?.[0])}
        />
        <p className="field-hint" id={`${id}-hint`}>
          {hint} PDF, PNG or JPEG, up to 5 MB.
        </p>
        {pct !== null && (
          <div>
            <div
              className="progress"
              role="progressbar"
              aria-label={`Uploading ${name ?? 'document'}`}
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={pct}
            >
              <span style={{ width: `${pct}%` }} />
            </div>
            <p className="field-hint" aria-live="polite">
              {documentId ? `✓ ${name} uploaded` : `Uploading ${name}… ${pct}%`}
            </p>
          </div>
        )}
      </div>
      {shownError && (
        <p className="field-error" role="alert">
          {shownError}
        </p>
      )}
    </div>
  );
}
