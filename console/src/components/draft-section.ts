/** A section of the webhook form: its part of the draft, what the webhook has stored of it, and the API's errors. */
export interface DraftSectionProps<Draft, Stored> {
  draft: Draft;
  stored: Stored | null | undefined;
  /** By the API's field path. */
  errors: Record<string, string[]>;
  onChange: (draft: Draft) => void;
}
