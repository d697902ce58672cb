package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
)

// Error is an error with the HTTP status it answers with. Lock, when set,
// is included in the body so a 409 names who holds the lock.
type Error struct {
	Status  int
	Message string
	Lock    *lockJSON
}

func (e *Error) Error() string { return e.Message }

// Errorf is an *Error with status and a formatted message.
func Errorf(status int, format string, args ...interface{}) *Error {
	return &Error{Status: status, Message: fmt.Sprintf(format, args...)}
}

func badRequest(format string, args ...interface{}) *Error {
	return Errorf(http.StatusBadRequest, format, args...)
}

func notFound(format string, args ...interface{}) *Error {
	return Errorf(http.StatusNotFound, format, args...)
}

func conflict(format string, args ...interface{}) *Error {
	return Errorf(http.StatusConflict, format, args...)
}

// serveJSON adapts a JSONHandler; errors that are not an *Error are logged
// and answered with 500.
func serveJSON(server Server, fn JSONHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		status, body, err := fn(r)
		if err != nil {
			var ae *Error
			if !errors.As(err, &ae) {
				server.LogError("clusterdemo: request failed", "method", r.Method, "path", r.URL.Path, "err", err.Error())
			}
			writeError(w, err)
			return
		}
		writeJSON(w, r, status, body)
	}
}

// writeJSON answers with body as JSON, compressed when r accepts it and it
// is long (r may be nil: never compressed).
func writeJSON(w http.ResponseWriter, r *http.Request, status int, body interface{}) {
	data, err := json.Marshal(body)
	if err != nil {
		status = http.StatusInternalServerError
		data, _ = json.Marshal(errorJSON{Error: "encoding response: " + err.Error()})
	}
	w.Header().Set("Content-Type", "application/json")
	// nosniff: a browser must never read an answer (which may quote a lock
	// name) as HTML or script.
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Add("Vary", "Accept-Encoding")
	if out, ok := gzipped(r, data); ok {
		data = out
		w.Header().Set("Content-Encoding", "gzip")
	}
	w.WriteHeader(status)
	_, _ = w.Write(data)
}

// writeError answers with {"error": "..."}: the status of an *Error, else 500.
func writeError(w http.ResponseWriter, err error) {
	var ae *Error
	if !errors.As(err, &ae) {
		ae = &Error{Status: http.StatusInternalServerError, Message: err.Error()}
	}
	writeJSON(w, nil, ae.Status, errorJSON{Error: ae.Message, Lock: ae.Lock})
}

// DecodeBody decodes a JSON object into v. An empty body leaves v as it is,
// so every field keeps its default; unknown fields and trailing data are
// refused so a typo never passes silently.
func DecodeBody(r *http.Request, v interface{}) error {
	if r.Body == nil {
		return nil
	}
	data, err := io.ReadAll(r.Body)
	if err != nil {
		return badRequest("reading request body: %v", err)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return badRequest("request body is not valid JSON for this route: %v", err)
	}
	if err := dec.Decode(&json.RawMessage{}); err != io.EOF {
		return badRequest("request body has data after the JSON object")
	}
	return nil
}

// Unavailable answers 503 for a plugin that is not active.
func Unavailable(w http.ResponseWriter) {
	writeError(w, Errorf(http.StatusServiceUnavailable, "clusterdemo is not active"))
}
