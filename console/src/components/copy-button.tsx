import { useState } from 'preact/hooks';

/**
 * Copies `text` to the clipboard, and says in a live status line whether it did (a browser may refuse: then the
 * text is on the page to copy by hand). `label` names what is copied, for screen readers and the status line.
 */
export function CopyButton({ text, label }: { text: string; label: string }) {
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
      <button type="button" class="secondary" onClick={copy} aria-label={`Copy the ${label}`}>
        Copy
      </button>
      <span role="status" class="muted copy-status">
        {copied === 'yes'
          ? `Copied the ${label} to the clipboard.`
          : copied === 'failed'
            ? `The browser did not allow copying; select the ${label} and copy it by hand.`
            : ''}
      </span>
    </>
  );
}
