import { useState } from 'preact/hooks';

/**
 * Copies `text` to the clipboard, and says in a live status line whether it did (a browser may refuse: then the
 * text is on the page to copy by hand). `label` names what is copied, for screen readers and the status line; a
 * `caption` replaces the button's "Copy" where several copy buttons stand side by side.
 */
export function CopyButton({ text, label, caption }: { text: string; label: string; caption?: string }) {
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
      <button type="button" class="secondary" onClick={copy} aria-label={caption ? undefined : `Copy the ${label}`}>
        {caption ?? 'Copy'}
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
