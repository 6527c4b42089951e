// Package signaling exchanges WebRTC offers, answers and ICE candidates
// between broadcasters and viewers over WebSocket.
package signaling

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"

	"github.com/gorilla/websocket"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"example.com/livestream/internal/room"
)

var tracer = otel.Tracer("example.com/livestream/internal/signaling")

// Message is one signaling message.
type Message struct {
	Type    string          `json:"type"` // join, leave, offer, answer or ice
	RoomID  string          `json:"room_id"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// Handler upgrades requests to WebSocket and relays signaling messages.
type Handler struct {
	rooms    *room.Manager
	upgrader websocket.Upgrader
}

// NewHandler returns a Handler for the rooms of m.
func NewHandler(m *room.Manager) *Handler {
	return &Handler{
		rooms:    m,
		upgrader: websocket.Upgrader{ReadBufferSize: 4096, WriteBufferSize: 4096},
	}
}

// ServeHTTP runs one signaling session: GET /ws?viewer=ID.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	conn, err := h.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // Upgrade has already replied with an HTTP error.
	}
	defer conn.Close()
	connections.Inc()
	defer connections.Dec()

	viewerID := r.URL.Query().Get("viewer")
	for {
		_, data, err := conn.ReadMessage()
		if err != nil {
			return
		}
		messageSize.Observe(float64(len(data)))
		var msg Message
		if err := json.Unmarshal(data, &msg); err != nil {
			slog.Warn("malformed signaling message", "err", err)
			continue
		}
		messages.WithLabelValues(msg.Type).Inc()
		h.dispatch(r.Context(), viewerID, msg)
	}
}

func (h *Handler) dispatch(ctx context.Context, viewerID string, msg Message) {
	switch msg.Type {
	case "join":
		h.join(ctx, viewerID, msg)
	case "leave":
		h.rooms.Leave(ctx, msg.RoomID, viewerID)
	case "offer", "answer", "ice":
		h.relay(ctx, msg)
	}
}

// join admits the viewer into the room. Its span is never ended.
func (h *Handler) join(ctx context.Context, viewerID string, msg Message) {
	ctx, span := tracer.Start(ctx, "signaling.join_room",
		trace.WithAttributes(attribute.String("room_id", msg.RoomID)))
	if err := h.rooms.Join(ctx, msg.RoomID, viewerID); err != nil {
		span.RecordError(err)
		slog.Warn("join failed", "room", msg.RoomID, "err", err)
	}
}

// relay forwards an offer, answer or ICE candidate to the peers of the room.
func (h *Handler) relay(ctx context.Context, msg Message) {
	_, span := tracer.Start(ctx, "signaling.relay", trace.WithAttributes(
		attribute.String("room_id", msg.RoomID),
		attribute.String("action_type", msg.Type),
	))
	defer span.End()
	slog.Debug("relay", "room", msg.RoomID, "type", msg.Type, "bytes", len(msg.Payload))
}

// CloseRoom ends a room: POST /rooms/close?room=ID. It drops the request's
// context, and with it the trace and the cancellation.
func (h *Handler) CloseRoom(w http.ResponseWriter, r *http.Request) {
	roomID := r.URL.Query().Get("room")
	if roomID == "" {
		http.Error(w, "missing room", http.StatusBadRequest)
		return
	}
	h.rooms.Close(context.Background(), roomID)
	w.WriteHeader(http.StatusNoContent)
}
