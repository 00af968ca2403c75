export function FieldError({ id, errors }: { id: string; errors: string[] | undefined }) {
  if (!errors?.length) return null;
  return (
    <p class="field-error" id={`${id}-error`}>
      {errors.join('; ')}
    </p>
  );
}
