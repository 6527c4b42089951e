package p

import "github.com/prometheus/client_golang/prometheus"

const a = b + b
const b = a + a

var c = prometheus.NewCounter(prometheus.CounterOpts{Name: a, Help: "x"})
