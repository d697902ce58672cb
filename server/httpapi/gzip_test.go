package httpapi

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// A long answer goes compressed to a client that accepts gzip and plain to
// one that does not, with the same JSON either way; a short one always goes
// plain. Catches compressing for a client that cannot read it, a body that
// does not decompress to the answer, and a missing Content-Encoding.
func TestLongAnswersAreCompressedForClientsThatAcceptGzip(t *testing.T) {
	long := map[string]string{"pad": strings.Repeat("lock ", gzipMinBytes/4)}
	short := map[string]string{"pad": "lock"}
	for _, tc := range []struct {
		name           string
		body           interface{}
		acceptEncoding string
		wantGzip       bool
	}{
		{"long, gzip accepted", long, "gzip, deflate, br", true},
		{"long, no Accept-Encoding", long, "", false},
		{"long, gzip refused", long, "gzip;q=0, br", false},
		{"short, gzip accepted", short, "gzip", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/api/v1/status", nil)
			if tc.acceptEncoding != "" {
				r.Header.Set("Accept-Encoding", tc.acceptEncoding)
			}
			rec := httptest.NewRecorder()
			writeJSON(rec, r, http.StatusOK, tc.body)
			raw := rec.Body.Bytes()
			if got := rec.Header().Get("Content-Encoding") == "gzip"; got != tc.wantGzip {
				t.Fatalf("Content-Encoding %q, want gzip: %v", rec.Header().Get("Content-Encoding"), tc.wantGzip)
			}
			if tc.wantGzip {
				zr, err := gzip.NewReader(bytes.NewReader(raw))
				if err != nil {
					t.Fatal(err)
				}
				if raw, err = io.ReadAll(zr); err != nil {
					t.Fatal(err)
				}
			}
			want, _ := json.Marshal(tc.body)
			if !bytes.Equal(raw, want) {
				t.Fatalf("body is not the answer's JSON (%d bytes, want %d)", len(raw), len(want))
			}
		})
	}
}

// Catches reading Accept-Encoding as a substring, or ignoring q=0.
func TestAcceptsGzip(t *testing.T) {
	for header, want := range map[string]bool{
		"":                  false,
		"gzip":              true,
		"GZIP;q=0.5":        true,
		"deflate, gzip":     true,
		"*":                 true,
		"br":                false,
		"identity":          false,
		"gzip;q=0":          false,
		"gzip; q=0.000":     false,
		"x-gzip-ish, br":    false,
		"gzip;q=0, *;q=0.5": false,
	} {
		if got := acceptsGzip(header); got != want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", header, got, want)
		}
	}
}
