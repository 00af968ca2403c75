import type { ComponentChildren } from 'preact';
import { FieldError } from './field-error';
import { describedBy } from './form-errors';

/** What a text field shows and what it reports, bound to one string of a form's draft. */
export interface BoundText {
  id: string;
  value: string;
  errors: string[] | undefined;
  onInput: (value: string) => void;
}

type TextKey<Draft> = { [Key in keyof Draft]: string extends Draft[Key] ? Key : never }[keyof Draft] & string;

/**
 * Binds the text fields of a group of the API's fields (`auth`, `tls`) to the draft that holds them: a field's id
 * is `<group>-<field>` and its errors are the API's `<group>.<field>`, where the field is the draft's key unless named.
 */
export function textBinder<Draft>(
  group: string,
  draft: Draft,
  errors: Record<string, string[]>,
  onChange: (draft: Draft) => void,
) {
  return (key: TextKey<Draft>, field: string = key): BoundText => ({
    id: `${group}-${field}`,
    value: draft[key] as string,
    errors: errors[`${group}.${field}`],
    onInput: (value) => onChange({ ...draft, [key]: value }),
  });
}

/**
 * A form field: its label, its control, an optional hint and its errors. `children` draws the control with the
 * props that tie it to the label, and make screen readers announce the hint and the errors with it.
 */
export function LabelledField(props: {
  id: string;
  label: string;
  hint?: string;
  errors: string[] | undefined;
  children: (described: ReturnType<typeof describedBy>) => ComponentChildren;
}) {
  const hintId = props.hint ? `${props.id}-hint` : undefined;
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      {props.children(describedBy(props.id, props.errors, hintId))}
      {props.hint && (
        <p class="hint" id={hintId}>
          {props.hint}
        </p>
      )}
      <FieldError id={props.id} errors={props.errors} />
    </div>
  );
}
