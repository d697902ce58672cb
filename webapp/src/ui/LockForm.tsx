import React, {useState} from 'react';

import {holdSeconds, lockNameError, lockNameRule, secondsError} from '../api/validation';

import {ActionForm} from './ActionForm';
import {SecondsField, TextField} from './FormField';

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

    const submit = async () => {
        const found = {name: lockNameError(name), seconds: secondsError(seconds, holdSeconds)};
        setErrors(found);
        if (found.name !== null || found.seconds !== null) {
            return;
        }
        await onAcquire(name, Number(seconds));
    };

    return (
        <ActionForm
            label='Take a demo lock'
            onSubmit={submit}
            submitLabel={busy ? 'Taking…' : 'Take lock'}
            disabled={busy}
        >
            <TextField
                id='cd-lock-name'
                label='Lock name'
                value={name}
                onChange={setName}
                error={errors.name}
                help={lockNameRule}
                noAutocomplete={true}
            />
            <SecondsField
                id='cd-lock-seconds'
                label='Hold for (seconds)'
                value={seconds}
                onChange={setSeconds}
                error={errors.seconds}
                range={holdSeconds}
            />
        </ActionForm>
    );
}
