import NIOCore

extension DemoConnectionHandler {
    /// Starts `GET /api/events`: the head, the `retry:` field, then one event every `interval` ms
    /// and a heartbeat comment every `heartbeat` ms without an event; after the last event the
    /// body ends and the connection closes. A silent stream sends the head and `retry:` only.
    func startEvents(_ pending: Pending, silent: Bool, context: ChannelHandlerContext) {
        let stream = DemoEventStream(pending.record)
        guard !stream.isOver else {
            self.stop()
            self.write(DemoResponse(status: 204, headers: [], body: []), keepAlive: false, context: context)
            return
        }
        self.stop()
        self.send(DemoEventStream.head(node: self.state.name) + DemoEventStream.chunk("retry: \(stream.retry)\n\n"), context: context)
        guard !silent else { return }
        self.events = stream
        self.scheduleEventTick(context: context)
    }

    /// Sends what is due at the next tick, then schedules the one after.
    private func scheduleEventTick(context: ChannelHandlerContext) {
        guard let stream = self.events else { return }
        let tick = min(stream.interval, stream.heartbeat)
        self.eventTimer = context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(Int64(tick))) {
            guard !self.closed, var current = self.events else { return }
            current.sinceLastWrite += tick
            if current.sinceLastWrite >= current.interval {
                current.sinceLastWrite = 0
                self.send(DemoEventStream.chunk(DemoEventStream.event(current.next, node: self.state.name)), context: context)
                current.next += 1
                if current.isOver {
                    self.events = nil
                    self.send(DemoEventStream.end, context: context).assumeIsolated().whenComplete { _ in
                        self.close(context: context)
                    }
                    return
                }
            } else if current.sinceLastWrite % current.heartbeat == 0 {
                self.send(DemoEventStream.chunk(": heartbeat\n\n"), context: context)
            }
            self.events = current
            self.scheduleEventTick(context: context)
        }
    }
}
