import React from 'react';

interface Props {
    // label names the form for assistive technology.
    label: string;
    onSubmit: () => void | Promise<void>;
    submitLabel: string;
    disabled: boolean;

    // describedBy is the id of the text that says why the button is
    // disabled, if any.
    describedBy?: string;
    children: React.ReactNode;
}

// ActionForm is one of the panel's action forms: its fields, then one
// primary submit button. The fields check their own input (noValidate), and
// submitting never reloads the page.
export function ActionForm({label, onSubmit, submitLabel, disabled, describedBy, children}: Props) {
    const submit = (event: React.FormEvent) => {
        event.preventDefault();
        void onSubmit();
    };
    return (
        <form
            className='cd-form'
            onSubmit={submit}
            noValidate={true}
            aria-label={label}
        >
            {children}
            <button
                type='submit'
                className='cd-button cd-primary'
                disabled={disabled}
                aria-describedby={describedBy}
            >
                {submitLabel}
            </button>
        </form>
    );
}
