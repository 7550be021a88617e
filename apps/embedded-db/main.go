// Command parley-embedded-db runs FerretDB (SQLite backend) embedded in a single
// process, giving Parley a zero-setup MongoDB-wire-compatible database.
//
// Once the listener is up it prints exactly one line to stdout:
//
//	ready mongodb://127.0.0.1:<port>/
//
// Everything else (logs, errors) goes to stderr.
package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/build/version"
	"github.com/FerretDB/FerretDB/ferretdb"
)

const (
	exitOK     = 0
	exitError  = 1
	exitUsage  = 2
	exitLocked = 3
)

func envOr(key, def string) string {
	if v, ok := os.LookupEnv(key); ok && v != "" {
		return v
	}
	return def
}

func envBool(key string, def bool) bool {
	v, ok := os.LookupEnv(key)
	if !ok || v == "" {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return def
	}
	return b
}

func main() {
	os.Exit(run())
}

func run() int {
	fs := flag.NewFlagSet("parley-embedded-db", flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	dataDir := fs.String("data-dir", envOr("PARLEY_DATA_DIR", "./data"), "data directory (env PARLEY_DATA_DIR); SQLite files go into <data-dir>/db")
	listen := fs.String("listen", envOr("PARLEY_DB_LISTEN", "127.0.0.1:27017"), "TCP listen address (env PARLEY_DB_LISTEN); port 0 picks a free port")
	serialize := fs.Bool("serialize", envBool("PARLEY_DB_SERIALIZE", true), "run one request at a time across all connections, making each command atomic (env PARLEY_DB_SERIALIZE)")
	exitWithParent := fs.Bool("exit-with-parent", envBool("PARLEY_DB_EXIT_WITH_PARENT", false), "shut down cleanly when the parent process dies, even by SIGKILL (env PARLEY_DB_EXIT_WITH_PARENT)")
	logLevel := fs.String("log-level", envOr("PARLEY_DB_LOG_LEVEL", "warn"), "log level: debug, info, warn, error (env PARLEY_DB_LOG_LEVEL)")
	if err := fs.Parse(os.Args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}

	// Take over SIGTERM/SIGINT before anything else so an early signal still
	// leads to a clean exit 0 (checked once FerretDB is up).
	sigCtx, stopSignals := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stopSignals()
	if *exitWithParent {
		// A SIGKILLed parent cannot stop us, and we would keep holding the data directory's lock; Linux
		// re-parents an orphan, so a changed parent pid means ours is gone.
		var cancelOrphan context.CancelFunc
		sigCtx, cancelOrphan = context.WithCancel(sigCtx)
		defer cancelOrphan()
		parent := os.Getppid()
		go func() {
			for range time.Tick(250 * time.Millisecond) {
				if os.Getppid() != parent {
					cancelOrphan()
					return
				}
			}
		}()
	}

	var level slog.Level
	if err := level.UnmarshalText([]byte(strings.ToLower(*logLevel))); err != nil {
		fmt.Fprintf(os.Stderr, "parley-embedded-db: invalid --log-level %q\n", *logLevel)
		return exitUsage
	}
	logger := slog.New(&quietHandler{Handler: slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level})})
	slog.SetDefault(logger)

	if _, _, err := net.SplitHostPort(*listen); err != nil {
		fmt.Fprintf(os.Stderr, "parley-embedded-db: invalid --listen %q: %v\n", *listen, err)
		return exitUsage
	}

	absData, err := filepath.Abs(*dataDir)
	if err != nil {
		fmt.Fprintf(os.Stderr, "parley-embedded-db: bad data dir %q: %v\n", *dataDir, err)
		return exitError
	}
	dbDir := filepath.Join(absData, "db")
	if err := os.MkdirAll(dbDir, 0o755); err != nil {
		fmt.Fprintf(os.Stderr, "parley-embedded-db: cannot create %s: %v\n", dbDir, err)
		return exitError
	}

	// Exclusive lock on the data directory; held until the process exits.
	lockPath := filepath.Join(absData, "db.lock")
	lockFile, err := os.OpenFile(lockPath, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		fmt.Fprintf(os.Stderr, "parley-embedded-db: cannot open lock file %s: %v\n", lockPath, err)
		return exitError
	}
	defer lockFile.Close()
	if err := syscall.Flock(int(lockFile.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		if errors.Is(err, syscall.EWOULDBLOCK) {
			holder, _ := os.ReadFile(lockPath)
			msg := "another parley-embedded-db instance"
			if pid := strings.TrimSpace(string(holder)); pid != "" {
				msg += " (pid " + pid + ")"
			}
			fmt.Fprintf(os.Stderr, "parley-embedded-db: data directory %s is already in use by %s; refusing to start\n", absData, msg)
			return exitLocked
		}
		fmt.Fprintf(os.Stderr, "parley-embedded-db: cannot lock %s: %v\n", lockPath, err)
		return exitError
	}
	if err := lockFile.Truncate(0); err == nil {
		_, _ = lockFile.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}

	// Bind the public address first so a busy port fails fast, before FerretDB starts.
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Fprintf(os.Stderr, "parley-embedded-db: cannot listen on %s: %v\n", *listen, err)
		return exitError
	}

	setFerretDBVersion()

	// FerretDB itself listens on an internal loopback port behind the proxy (see proxy.go).
	fdb, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: "127.0.0.1:0"},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: "file:" + dbDir + "/",
	})
	if err != nil {
		_ = ln.Close()
		fmt.Fprintf(os.Stderr, "parley-embedded-db: failed to start: %v\n", err)
		return exitError
	}
	backendURI, err := url.Parse(fdb.MongoDBURI()) // the listener is already bound by ferretdb.New
	if err != nil {
		_ = ln.Close()
		fmt.Fprintf(os.Stderr, "parley-embedded-db: bad FerretDB URI %q: %v\n", fdb.MongoDBURI(), err)
		return exitError
	}

	fdbCtx, stopFDB := context.WithCancel(context.Background())
	defer stopFDB()

	fdbDone := make(chan error, 1)
	go func() { fdbDone <- fdb.Run(fdbCtx) }()

	px := newProxy(backendURI.Host, *serialize, logger)
	proxyDone := make(chan struct{})
	go func() { px.serve(sigCtx, ln); close(proxyDone) }()

	indexer := &idIndexer{dir: dbDir, quiet: &px.roundTrip, logger: logger, dbs: map[string]*sql.DB{}}
	indexCtx, stopIndexer := context.WithCancel(context.Background())
	indexerDone := make(chan struct{})
	go func() { indexer.run(indexCtx, time.Second); close(indexerDone) }()

	fmt.Fprintf(os.Stdout, "ready %s\n", clientURI(ln.Addr().String()))
	_ = os.Stdout.Sync()
	logger.Info("parley-embedded-db ready", "listen", ln.Addr().String(), "ferretdb", backendURI.Host, "serialize", *serialize, "dir", dbDir)

	// On SIGTERM/SIGINT the proxy stops accepting, lets in-flight requests
	// finish and closes its connections; then FerretDB is stopped.
	<-proxyDone
	stopIndexer()
	<-indexerDone
	stopFDB()
	if err := <-fdbDone; err != nil {
		fmt.Fprintf(os.Stderr, "parley-embedded-db: %v\n", err)
		return exitError
	}
	logger.Info("parley-embedded-db stopped")
	return exitOK
}

// clientURI returns the connection string for a listen address, rewriting an
// unspecified host (0.0.0.0, ::) to loopback so local clients can connect.
func clientURI(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "mongodb://" + addr + "/"
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		if ip.To4() != nil {
			host = "127.0.0.1"
		} else {
			host = "::1"
		}
	}
	return (&url.URL{Scheme: "mongodb", Host: net.JoinHostPort(host, port), Path: "/"}).String()
}

// setFerretDBVersion fills in the FerretDB version (reported by buildInfo as
// ferretdbVersion) from the module dependency; embedded builds lack the
// generated version.txt and would otherwise report "unknown".
func setFerretDBVersion() {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return
	}
	for _, dep := range bi.Deps {
		if dep.Path == "github.com/FerretDB/FerretDB" {
			v := dep.Version
			if dep.Replace != nil && dep.Replace.Version != "" {
				v = dep.Replace.Version
			}
			if v != "" && v != "(devel)" {
				version.Get().Version = v
			}
			return
		}
	}
}

// quietHandler demotes FerretDB's per-request noise to INFO: it logs every
// failed command (duplicate key errors, the driver's endSessions, ...) as a
// multi-line WARN dump of the wire message, and client disconnects as WARN.
// These are normal for an application and only useful when debugging.
type quietHandler struct {
	slog.Handler
}

func (h *quietHandler) Handle(ctx context.Context, r slog.Record) error {
	if r.Level == slog.LevelWarn && (strings.HasPrefix(r.Message, "Response header: ") ||
		strings.HasPrefix(r.Message, "Response message:") ||
		r.Message == "Connection stopped") {
		if !h.Handler.Enabled(ctx, slog.LevelInfo) {
			return nil
		}
		r.Level = slog.LevelInfo
	}
	return h.Handler.Handle(ctx, r)
}

func (h *quietHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &quietHandler{Handler: h.Handler.WithAttrs(attrs)}
}

func (h *quietHandler) WithGroup(name string) slog.Handler {
	return &quietHandler{Handler: h.Handler.WithGroup(name)}
}
