import React from 'react';

import {type SecondsRange, secondsRule} from '../api/validation';

interface FieldProps {
    id: string;
    label: string;
    value: string;
    onChange: (value: string) => void;

    // The problem with the value, shown instead of the help and announced,
    // or null.
    error: string | null;
    help: string;
}

// Field is one labelled input of the panel's forms with its help line, which
// turns into the error (announced, and tied to the input by
// aria-describedby) when the value is refused.
function Field({id, label, error, help, input}: Omit<FieldProps, 'value' | 'onChange'> & {input: React.ReactElement}) {
    return (
        <div className='cd-field'>
            <label htmlFor={id}>{label}</label>
            {input}
            <span
                id={`${id}-help`}
                className={error ? 'cd-field-error' : 'cd-help'}
                role={error ? 'alert' : undefined}
            >
                {error ?? help}
            </span>
        </div>
    );
}

export function TextField({id, label, value, onChange, error, help, noAutocomplete = false}: FieldProps & {noAutocomplete?: boolean}) {
    return (
        <Field
            id={id}
            label={label}
            error={error}
            help={help}
            input={
                <input
                    id={id}
                    type='text'
                    value={value}
                    onChange={(e) => onChange(e.target.value)}
                    aria-invalid={error !== null}
                    aria-describedby={`${id}-help`}
                    autoComplete={noAutocomplete ? 'off' : undefined}
                    spellCheck={noAutocomplete ? false : undefined}
                />
            }
        />
    );
}

// SecondsField takes a whole number of seconds within range; its help says
// the range.
export function SecondsField({id, label, value, onChange, error, range}: Omit<FieldProps, 'help'> & {range: SecondsRange}) {
    return (
        <Field
            id={id}
            label={label}
            error={error}
            help={secondsRule(range)}
            input={
                <input
                    id={id}
                    type='number'
                    inputMode='numeric'
                    min={range.min}
                    max={range.max}
                    value={value}
                    onChange={(e) => onChange(e.target.value)}
                    aria-invalid={error !== null}
                    aria-describedby={`${id}-help`}
                />
            }
        />
    );
}
