package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func bsonDoc(elems ...[]byte) []byte {
	b := []byte{0, 0, 0, 0}
	for _, e := range elems {
		b = append(b, e...)
	}
	b = append(b, 0)
	binary.LittleEndian.PutUint32(b, uint32(len(b)))
	return b
}

func doubleElem(key string, v uint64) []byte {
	b := append([]byte{0x01}, key...)
	b = append(b, 0)
	return binary.LittleEndian.AppendUint64(b, v)
}

func opMsg(requestID, responseTo uint32, doc []byte) []byte {
	b := make([]byte, 16, 16+5+len(doc))
	binary.LittleEndian.PutUint32(b[4:], requestID)
	binary.LittleEndian.PutUint32(b[8:], responseTo)
	binary.LittleEndian.PutUint32(b[12:], opCodeMsg)
	b = append(b, 0, 0, 0, 0, 0)
	b = append(b, doc...)
	binary.LittleEndian.PutUint32(b, uint32(len(b)))
	return b
}

func TestFixDuplicateKey(t *testing.T) {
	errmsg := "[msg_update.go:133 handler.(*Handler).updateDocument] constraint failed: UNIQUE constraint failed: index 'users_5e7cc513_email_1' (2067)"
	in := opMsg(7, 3, bsonDoc(
		doubleElem("ok", 0),
		appendStringElem(nil, "errmsg", errmsg),
		appendInt32Elem(nil, "code", 1),
		appendStringElem(nil, "codeName", "InternalError"),
	))
	out := fixDuplicateKey(in)

	if got := int(binary.LittleEndian.Uint32(out)); got != len(out) {
		t.Fatalf("message length %d, want %d", got, len(out))
	}
	if !bytes.Equal(out[4:12], in[4:12]) {
		t.Fatal("request/response ids changed")
	}
	elems, ok := bsonElements(out[21:])
	if !ok {
		t.Fatal("rewritten document does not parse")
	}
	got := map[string]any{}
	for _, e := range elems {
		switch e.typ {
		case 0x02:
			got[e.key], _ = bsonString(e.value)
		case 0x10:
			got[e.key] = int32(binary.LittleEndian.Uint32(e.value))
		case 0x01:
			got[e.key] = binary.LittleEndian.Uint64(e.value)
		}
	}
	want := map[string]any{
		"ok":       uint64(0),
		"errmsg":   "E11000 duplicate key error (index 'users_5e7cc513_email_1')",
		"code":     int32(11000),
		"codeName": "DuplicateKey",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %#v, want %#v", k, got[k], v)
		}
	}
	if len(elems) != 4 {
		t.Errorf("got %d elements, want 4", len(elems))
	}
}

func TestFixDuplicateKeyLeavesOthersAlone(t *testing.T) {
	cases := map[string][]byte{
		"success": opMsg(1, 2, bsonDoc(doubleElem("ok", 0x3FF0000000000000), appendStringElem(nil, "note", "UNIQUE constraint failed"))),
		"other error": opMsg(1, 2, bsonDoc(doubleElem("ok", 0), appendStringElem(nil, "errmsg", "boom"),
			appendInt32Elem(nil, "code", 1), appendStringElem(nil, "codeName", "InternalError"))),
		"other code": opMsg(1, 2, bsonDoc(doubleElem("ok", 0), appendStringElem(nil, "errmsg", "UNIQUE constraint failed: x"),
			appendInt32Elem(nil, "code", 2), appendStringElem(nil, "codeName", "BadValue"))),
		"short":     {1, 2, 3},
		"truncated": opMsg(1, 2, bsonDoc(appendStringElem(nil, "errmsg", "UNIQUE constraint failed")))[:30],
	}
	for name, msg := range cases {
		if out := fixDuplicateKey(msg); !bytes.Equal(out, msg) {
			t.Errorf("%s: message was changed", name)
		}
	}
}

// fakeBackend answers each message after a delay, echoing it back, and
// records the peak number of requests in flight.
func fakeBackend(t *testing.T, delay time.Duration) (addr string, peak *int32) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	var inFlight, max int32
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				for {
					m, err := readMessage(c)
					if err != nil {
						return
					}
					n := atomic.AddInt32(&inFlight, 1)
					for {
						old := atomic.LoadInt32(&max)
						if n <= old || atomic.CompareAndSwapInt32(&max, old, n) {
							break
						}
					}
					time.Sleep(delay)
					atomic.AddInt32(&inFlight, -1)
					if _, err := c.Write(m); err != nil {
						return
					}
				}
			}()
		}
	}()
	return ln.Addr().String(), &max
}

func runProxy(t *testing.T, backend string, serialize bool) (addr string, stop func()) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	p := newProxy(backend, serialize, slog.New(slog.NewTextHandler(io.Discard, nil)))
	go func() { p.serve(ctx, ln); close(done) }()
	return ln.Addr().String(), func() { cancel(); <-done }
}

func TestProxySerializes(t *testing.T) {
	for _, serialize := range []bool{true, false} {
		backend, peak := fakeBackend(t, 20*time.Millisecond)
		addr, stop := runProxy(t, backend, serialize)

		var wg sync.WaitGroup
		for i := 0; i < 5; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				c, err := net.Dial("tcp", addr)
				if err != nil {
					t.Error(err)
					return
				}
				defer c.Close()
				for j := 0; j < 3; j++ {
					req := opMsg(uint32(i*10+j), 0, bsonDoc(doubleElem("ping", 0)))
					if _, err := c.Write(req); err != nil {
						t.Error(err)
						return
					}
					res, err := readMessage(c)
					if err != nil || !bytes.Equal(res, req) {
						t.Errorf("bad echo: %v", err)
						return
					}
				}
			}(i)
		}
		wg.Wait()
		stop()

		p := atomic.LoadInt32(peak)
		if serialize && p != 1 {
			t.Errorf("serialize: peak in-flight %d, want 1", p)
		}
		if !serialize && p < 2 {
			t.Errorf("no serialize: peak in-flight %d, want concurrency", p)
		}
	}
}

func TestProxyStopsWithIdleClients(t *testing.T) {
	backend, _ := fakeBackend(t, 0)
	addr, stop := runProxy(t, backend, true)
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	start := time.Now()
	stop()
	if d := time.Since(start); d > time.Second {
		t.Errorf("stop took %v with an idle client", d)
	}
	_ = c.SetReadDeadline(time.Now().Add(time.Second))
	if _, err := c.Read(make([]byte, 1)); err == nil {
		t.Error("client connection still open after stop")
	}
}
