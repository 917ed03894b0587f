import { describe, expect, it, vi } from 'vitest';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderWithProviders } from '@/test/render';
import { isAdult, kycInput, checkDocumentFile } from '../api/kyc';
import { KycForm, toKycInput } from './KycForm';

describe('KYC rules', () => {
  it('requires 18 years on the day', () => {
    const now = new Date('2026-06-15T12:00:00Z');
    expect(isAdult('2008-06-15', now)).toBe(true);
    expect(isAdult('2008-06-16', now)).toBe(false);
  });

  it('checks document type and size by name and type', () => {
    const big = new File([new Uint8Array(6 * 1024 * 1024)], 'id.pdf', { type: 'application/pdf' });
    expect(checkDocumentFile(big)).toBe('The file is larger than 5 MB.');
    expect(checkDocumentFile(new File(['x'.repeat(100)], 'id.gif', { type: 'image/gif' }))).toBe(
      'Use a PDF, PNG or JPEG file.',
    );
    expect(
      checkDocumentFile(new File(['x'.repeat(100)], 'id.png', { type: 'image/png' })),
    ).toBeNull();
  });

  it('maps the form to the API body', () => {
    const body = kycInput.parse(
      toKycInput({
        legalName: 'Ada Lovelace',
        dateOfBirth: '1990-12-10',
        line1: '1 Main St',
        line2: '',
        city: 'Springfield',
        postalCode: '12345',
        country: 'US',
        nationalId: '123-45-6789',
        idDocumentId: 'doc_aaaaaa',
        proofOfAddressDocumentId: 'doc_bbbbbb',
      }),
    );
    expect(body.address).toEqual({
      line1: '1 Main St',
      city: 'Springfield',
      postalCode: '12345',
      country: 'US',
    });
    expect(body).not.toHaveProperty('country');
  });
});

describe('KycForm', () => {
  it('shows every problem next to its field', async () => {
    renderWithProviders(<KycForm onSubmitted={vi.fn()} />);
    await userEvent.type(screen.getByLabelText('Date of birth'), '2020-01-01');
    await userEvent.click(screen.getByRole('button', { name: 'Submit for verification' }));
    expect(await screen.findByText('Enter your full legal name.')).toBeInTheDocument();
    expect(screen.getByText('You must be at least 18 years old.')).toBeInTheDocument();
    expect(screen.getByText('Enter your street address.')).toBeInTheDocument();
    expect(screen.getByText('Upload an identity document.')).toBeInTheDocument();
    expect(screen.getByText('Upload a proof of address.')).toBeInTheDocument();
    expect(screen.getByLabelText('Full legal name')).toHaveAttribute('aria-invalid', 'true');
  });
});
