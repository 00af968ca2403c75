/** A group of radio buttons named `name`, one per `[value, label]` of `choices`. */
export function RadioChoices<Value extends string>(props: {
  name: string;
  choices: readonly (readonly [Value, string])[];
  checked: Value;
  onChoose: (value: Value) => void;
}) {
  return (
    <div class="radios">
      {props.choices.map(([value, label]) => (
        <label key={value} class="checkbox">
          <input
            type="radio"
            name={props.name}
            value={value}
            checked={props.checked === value}
            onChange={() => props.onChoose(value)}
          />
          <span>{label}</span>
        </label>
      ))}
    </div>
  );
}
