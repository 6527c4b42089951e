// Command server runs the live-streaming back end: WebSocket signaling,
// virtual gifts and the Prometheus endpoint.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"example.com/livestream/internal/gift"
	"example.com/livestream/internal/room"
	"example.com/livestream/internal/signaling"
)

// httpRequests repeats a metric that internal/signaling already defines.
var httpRequests = prometheus.NewCounterVec(prometheus.CounterOpts{
	Name: "livestream_http_requests_total",
	Help: "HTTP requests served.",
}, []string{"method", "code"})

var buildInfo = prometheus.NewGaugeVec(prometheus.GaugeOpts{
	Name: "livestream_server_build_info",
	Help: "Build information; the value is always 1.",
}, []string{"version"})

var version = "dev"

func main() {
	prometheus.MustRegister(httpRequests, buildInfo)
	buildInfo.WithLabelValues(version).Set(1)

	rooms := room.NewManager()
	gifts := gift.NewService(noopBroadcaster{})
	sig := signaling.NewHandler(rooms)

	mux := http.NewServeMux()
	mux.Handle("GET /ws", sig)
	mux.HandleFunc("POST /rooms/close", sig.CloseRoom)
	mux.HandleFunc("POST /gifts", giftHandler(gifts))
	mux.Handle("GET /metrics", promhttp.Handler())

	srv := &http.Server{
		Addr:              ":8080",
		Handler:           signaling.Instrument(mux),
		ReadHeaderTimeout: 5 * time.Second,
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
			slog.Error("listen", "err", err)
			stop()
		}
	}()
	<-ctx.Done()

	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		slog.Error("shutdown", "err", err)
	}
}

// giftHandler accepts a gift as JSON: POST /gifts.
func giftHandler(s *gift.Service) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var g gift.Gift
		if err := json.NewDecoder(r.Body).Decode(&g); err != nil {
			http.Error(w, "malformed gift", http.StatusBadRequest)
			return
		}
		if err := s.Send(r.Context(), g); err != nil {
			s.Refund(r.Context(), g)
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		w.WriteHeader(http.StatusAccepted)
	}
}

// noopBroadcaster stands in for the media fan-out service.
type noopBroadcaster struct{}

func (noopBroadcaster) Broadcast(context.Context, string, []byte) error { return nil }
