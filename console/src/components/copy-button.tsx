import { useState } from 'preact/hooks';

/** Copies a text to the clipboard and says, in a live region, whether the browser allowed it. */
export function CopyButton({ text, label, statusId }: { text: string; label: string; statusId: string }) {
  const [copied, setCopied] = useState<'yes' | 'failed'>();

  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setCopied('yes');
    } catch {
      setCopied('failed');
    }
  }

  return (
    <>
      <button type="button" class="secondary" aria-describedby={statusId} onClick={copy}>
        {label}
      </button>
      <p role="status" class="muted" id={statusId}>
        {copied === 'yes'
          ? 'Copied to the clipboard.'
          : copied === 'failed'
            ? 'The browser did not allow copying; select the text and copy it by hand.'
            : ''}
      </p>
    </>
  );
}
