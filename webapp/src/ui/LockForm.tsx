import React, {useState} from 'react';

import {holdSeconds, lockNameError, lockNameRule, secondsError, secondsRule} from '../api/validation';

interface Props {
    busy: boolean;
    onAcquire: (name: string, seconds: number) => Promise<boolean>;
}

interface FieldErrors {
    name: string | null;
    seconds: string | null;
}

const noErrors: FieldErrors = {name: null, seconds: null};

// Take a demo lock by name for a number of seconds. Input that the server
// would reject is caught here, with the rule shown, and never sent.
export function LockForm({busy, onAcquire}: Props) {
    const [name, setName] = useState('');
    const [seconds, setSeconds] = useState('30');
    const [errors, setErrors] = useState<FieldErrors>(noErrors);

    const submit = async (event: React.FormEvent) => {
        event.preventDefault();
        const found = {name: lockNameError(name), seconds: secondsError(seconds, holdSeconds)};
        setErrors(found);
        if (found.name !== null || found.seconds !== null) {
            return;
        }
        await onAcquire(name, Number(seconds));
    };

    return (
        <form
            className='cd-form'
            onSubmit={submit}
            noValidate={true}
            aria-label='Take a demo lock'
        >
            <div className='cd-field'>
                <label htmlFor='cd-lock-name'>{'Lock name'}</label>
                <input
                    id='cd-lock-name'
                    type='text'
                    value={name}
                    onChange={(e) => setName(e.target.value)}
                    aria-invalid={errors.name !== null}
                    aria-describedby='cd-lock-name-help'
                    autoComplete='off'
                    spellCheck={false}
                />
                <span
                    id='cd-lock-name-help'
                    className={errors.name ? 'cd-field-error' : 'cd-help'}
                    role={errors.name ? 'alert' : undefined}
                >
                    {errors.name ?? lockNameRule}
                </span>
            </div>
            <div className='cd-field'>
                <label htmlFor='cd-lock-seconds'>{'Hold for (seconds)'}</label>
                <input
                    id='cd-lock-seconds'
                    type='number'
                    inputMode='numeric'
                    min={holdSeconds.min}
                    max={holdSeconds.max}
                    value={seconds}
                    onChange={(e) => setSeconds(e.target.value)}
                    aria-invalid={errors.seconds !== null}
                    aria-describedby='cd-lock-seconds-help'
                />
                <span
                    id='cd-lock-seconds-help'
                    className={errors.seconds ? 'cd-field-error' : 'cd-help'}
                    role={errors.seconds ? 'alert' : undefined}
                >
                    {errors.seconds ?? secondsRule(holdSeconds)}
                </span>
            </div>
            <button
                type='submit'
                className='cd-button cd-primary'
                disabled={busy}
            >
                {busy ? 'Taking…' : 'Take lock'}
            </button>
        </form>
    );
}
