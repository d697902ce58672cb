package httpapi

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// gzipMinBytes is the smallest answer sent compressed. A status answer
// listing a thousand locks is over 200 KiB of repetitive JSON that
// compresses to a small fraction in about a millisecond; sent as it is, it
// is copied across the plugin RPC, the Mattermost server and the network,
// and on real nodes its p99 was the higher for it. Small answers are not
// worth the work.
const gzipMinBytes = 16 << 10

// gzipWriters keeps compressors between answers: each holds buffers of
// several hundred KiB.
var gzipWriters = sync.Pool{New: func() interface{} {
	w, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
	return w
}}

// gzipped returns data compressed when it is long enough and r accepts
// gzip, with ok true; else data itself and false.
func gzipped(r *http.Request, data []byte) (out []byte, ok bool) {
	if len(data) < gzipMinBytes || r == nil || !acceptsGzip(r.Header.Get("Accept-Encoding")) {
		return data, false
	}
	var buf bytes.Buffer
	zw := gzipWriters.Get().(*gzip.Writer)
	defer gzipWriters.Put(zw)
	zw.Reset(&buf)
	if _, err := zw.Write(data); err != nil {
		return data, false
	}
	if err := zw.Close(); err != nil {
		return data, false
	}
	return buf.Bytes(), true
}

// acceptsGzip reports whether an Accept-Encoding header value allows gzip:
// "gzip" or "*" named, without q=0.
func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(part, ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		if coding != "gzip" && coding != "*" {
			continue
		}
		for _, param := range strings.Split(params, ";") {
			name, value, _ := strings.Cut(strings.TrimSpace(param), "=")
			if q, err := strconv.ParseFloat(strings.TrimSpace(value), 64); strings.EqualFold(name, "q") && err == nil && q == 0 {
				return false
			}
		}
		return true
	}
	return false
}
