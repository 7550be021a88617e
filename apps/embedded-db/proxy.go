package main

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"time"
)

// The public listener is a thin MongoDB-wire proxy in front of FerretDB (which
// listens on an internal loopback port). It forwards every message unchanged,
// with two deliberate exceptions:
//
//   - serialization: FerretDB 1.24 applies updates as read-modify-write without
//     isolation, so concurrent $inc / findAndModify on one document lose
//     updates. With serialize on, one request/response round trip runs at a
//     time across all connections, which makes every single command atomic.
//   - duplicate keys: a unique index violation raised by an update
//     (update/findAndModify/replace) comes back from FerretDB as code 1
//     InternalError with an SQLite message; it is rewritten to code 11000
//     DuplicateKey like MongoDB (and inserts) report it.
//
// FerretDB answers every request with exactly one response (it supports neither
// moreToCome nor exhaust), so the proxy keeps that 1:1 pairing.

const (
	msgHeaderLen  = 16
	maxMessageLen = 64 << 20 // MongoDB's limit is 48 MB
	opCodeMsg     = 2013

	drainTimeout = 5 * time.Second
)

type proxy struct {
	backend   string // FerretDB's internal address
	serialize bool
	logger    *slog.Logger

	roundTrip sync.Mutex // held for one request/response when serialize is on

	mu    sync.Mutex
	conns map[net.Conn]struct{}
	wg    sync.WaitGroup
}

func newProxy(backend string, serialize bool, logger *slog.Logger) *proxy {
	return &proxy{backend: backend, serialize: serialize, logger: logger, conns: map[net.Conn]struct{}{}}
}

// serve accepts connections on ln until ctx is canceled, then stops reading
// new requests, lets in-flight round trips finish (up to drainTimeout) and
// closes everything.
func (p *proxy) serve(ctx context.Context, ln net.Listener) {
	go func() {
		<-ctx.Done()
		_ = ln.Close()
		p.mu.Lock()
		for c := range p.conns {
			// unblocks a handler waiting for the next request; one in the middle of
			// a round trip finishes it first (it only reads from the backend then)
			_ = c.SetReadDeadline(time.Now())
		}
		p.mu.Unlock()
	}()

	for {
		c, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, net.ErrClosed) {
				break
			}
			p.logger.Warn("accept failed", "error", err)
			time.Sleep(100 * time.Millisecond)
			continue
		}
		p.mu.Lock()
		if ctx.Err() != nil {
			p.mu.Unlock()
			_ = c.Close()
			continue
		}
		p.conns[c] = struct{}{}
		p.wg.Add(1)
		p.mu.Unlock()
		go p.handle(ctx, c)
	}

	done := make(chan struct{})
	go func() { p.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(drainTimeout):
		p.mu.Lock()
		for c := range p.conns {
			_ = c.Close()
		}
		p.mu.Unlock()
		<-done
	}
}

func (p *proxy) handle(ctx context.Context, client net.Conn) {
	defer func() {
		_ = client.Close()
		p.mu.Lock()
		delete(p.conns, client)
		p.mu.Unlock()
		p.wg.Done()
	}()

	backend, err := net.Dial("tcp", p.backend)
	if err != nil {
		p.logger.Error("cannot reach FerretDB", "error", err)
		return
	}
	defer backend.Close()

	cr := bufio.NewReaderSize(client, 64<<10)
	br := bufio.NewReaderSize(backend, 64<<10)
	for {
		req, err := readMessage(cr)
		if err != nil {
			if !errors.Is(err, io.EOF) && ctx.Err() == nil && !errors.Is(err, net.ErrClosed) {
				p.logger.Info("client connection closed", "error", err)
			}
			return
		}
		res, err := p.roundTripOnce(backend, br, req)
		if err != nil {
			if ctx.Err() == nil {
				p.logger.Warn("FerretDB round trip failed", "error", err)
			}
			return
		}
		if _, err := client.Write(fixDuplicateKey(res)); err != nil {
			return
		}
	}
}

func (p *proxy) roundTripOnce(backend net.Conn, br *bufio.Reader, req []byte) ([]byte, error) {
	if p.serialize {
		p.roundTrip.Lock()
		defer p.roundTrip.Unlock()
	}
	if _, err := backend.Write(req); err != nil {
		return nil, err
	}
	return readMessage(br)
}

// readMessage reads one whole wire message (header included).
func readMessage(r io.Reader) ([]byte, error) {
	var hdr [msgHeaderLen]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, err
	}
	n := int(int32(binary.LittleEndian.Uint32(hdr[:4])))
	if n < msgHeaderLen || n > maxMessageLen {
		return nil, fmt.Errorf("invalid message length %d", n)
	}
	msg := make([]byte, n)
	copy(msg, hdr[:])
	if _, err := io.ReadFull(r, msg[msgHeaderLen:]); err != nil {
		return nil, err
	}
	return msg, nil
}

// fixDuplicateKey rewrites FerretDB's `{ok: 0, code: 1, codeName: "InternalError",
// errmsg: "... UNIQUE constraint failed: index '<x>' ..."}` reply into MongoDB's
// duplicate key error (code 11000). Any other message is returned unchanged.
func fixDuplicateKey(msg []byte) []byte {
	if len(msg) < msgHeaderLen+5+5 || binary.LittleEndian.Uint32(msg[12:16]) != opCodeMsg {
		return msg
	}
	body := msg[msgHeaderLen:]
	if binary.LittleEndian.Uint32(body[:4]) != 0 || body[4] != 0 { // flag bits (no checksum), section kind 0
		return msg
	}
	doc := body[5:]
	// cheap pre-check before parsing
	if !strings.Contains(string(doc), "UNIQUE constraint failed") {
		return msg
	}
	docLen := int(int32(binary.LittleEndian.Uint32(doc[:4])))
	if docLen != len(doc) {
		return msg // more than one section: leave alone
	}
	elems, ok := bsonElements(doc)
	if !ok {
		return msg
	}

	var errmsg string
	isOK, code := true, int32(0)
	for _, e := range elems {
		switch e.key {
		case "ok":
			isOK = bsonTruthy(e)
		case "code":
			if e.typ == 0x10 {
				code = int32(binary.LittleEndian.Uint32(e.value))
			}
		case "errmsg":
			if e.typ == 0x02 {
				errmsg, _ = bsonString(e.value)
			}
		}
	}
	if isOK || code != 1 || !strings.Contains(errmsg, "UNIQUE constraint failed") {
		return msg
	}

	newMsg := "E11000 duplicate key error"
	if i := strings.Index(errmsg, "UNIQUE constraint failed: "); i >= 0 {
		detail := strings.TrimPrefix(errmsg[i:], "UNIQUE constraint failed: ")
		if j := strings.Index(detail, " ("); j >= 0 {
			detail = detail[:j]
		}
		newMsg += " (" + detail + ")"
	}

	out := make([]byte, 0, len(msg)+32)
	out = append(out, msg[:msgHeaderLen+5]...) // header, flag bits, section kind
	out = append(out, 0, 0, 0, 0)              // doc length placeholder
	for _, e := range elems {
		switch e.key {
		case "code":
			out = appendInt32Elem(out, "code", 11000)
		case "codeName":
			out = appendStringElem(out, "codeName", "DuplicateKey")
		case "errmsg":
			out = appendStringElem(out, "errmsg", newMsg)
		default:
			out = append(out, e.raw...)
		}
	}
	out = append(out, 0)
	binary.LittleEndian.PutUint32(out[msgHeaderLen+5:], uint32(len(out)-msgHeaderLen-5))
	binary.LittleEndian.PutUint32(out[:4], uint32(len(out)))
	return out
}

type bsonElem struct {
	typ   byte
	key   string
	value []byte // value bytes
	raw   []byte // whole element
}

// bsonElements splits a BSON document into its top-level elements.
func bsonElements(doc []byte) ([]bsonElem, bool) {
	if len(doc) < 5 || doc[len(doc)-1] != 0 {
		return nil, false
	}
	var elems []bsonElem
	i := 4
	for i < len(doc)-1 {
		start := i
		typ := doc[i]
		i++
		k := indexByte(doc, i, 0)
		if k < 0 {
			return nil, false
		}
		key := string(doc[i:k])
		i = k + 1
		size, ok := bsonValueSize(typ, doc, i)
		if !ok || i+size > len(doc)-1 {
			return nil, false
		}
		elems = append(elems, bsonElem{typ: typ, key: key, value: doc[i : i+size], raw: doc[start : i+size]})
		i += size
	}
	return elems, i == len(doc)-1
}

func indexByte(b []byte, from int, c byte) int {
	for j := from; j < len(b); j++ {
		if b[j] == c {
			return j
		}
	}
	return -1
}

func bsonValueSize(typ byte, b []byte, i int) (int, bool) {
	i32 := func() (int, bool) {
		if i+4 > len(b) {
			return 0, false
		}
		return int(int32(binary.LittleEndian.Uint32(b[i:]))), true
	}
	switch typ {
	case 0x01, 0x09, 0x11, 0x12: // double, datetime, timestamp, int64
		return 8, true
	case 0x02, 0x0D, 0x0E: // string, JS code, symbol
		n, ok := i32()
		return 4 + n, ok && n >= 1
	case 0x03, 0x04, 0x0F: // document, array, code w/ scope
		n, ok := i32()
		return n, ok && n >= 5
	case 0x05: // binary
		n, ok := i32()
		return 5 + n, ok && n >= 0
	case 0x06, 0x0A, 0x7F, 0xFF: // undefined, null, maxkey, minkey
		return 0, true
	case 0x07: // ObjectId
		return 12, true
	case 0x08: // bool
		return 1, true
	case 0x0B: // regex: two cstrings
		a := indexByte(b, i, 0)
		if a < 0 {
			return 0, false
		}
		c := indexByte(b, a+1, 0)
		if c < 0 {
			return 0, false
		}
		return c + 1 - i, true
	case 0x0C: // DBPointer
		n, ok := i32()
		return 4 + n + 12, ok && n >= 1
	case 0x10: // int32
		return 4, true
	case 0x13: // decimal128
		return 16, true
	}
	return 0, false
}

func bsonTruthy(e bsonElem) bool {
	switch e.typ {
	case 0x01:
		return binary.LittleEndian.Uint64(e.value) != 0 // +0.0 is all zero bits
	case 0x10:
		return binary.LittleEndian.Uint32(e.value) != 0
	case 0x12:
		return binary.LittleEndian.Uint64(e.value) != 0
	case 0x08:
		return e.value[0] != 0
	}
	return true
}

func bsonString(v []byte) (string, bool) {
	if len(v) < 5 || v[len(v)-1] != 0 {
		return "", false
	}
	return string(v[4 : len(v)-1]), true
}

func appendStringElem(b []byte, key, s string) []byte {
	b = append(b, 0x02)
	b = append(b, key...)
	b = append(b, 0)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(s)+1))
	b = append(b, s...)
	return append(b, 0)
}

func appendInt32Elem(b []byte, key string, v int32) []byte {
	b = append(b, 0x10)
	b = append(b, key...)
	b = append(b, 0)
	return binary.LittleEndian.AppendUint32(b, uint32(v))
}
