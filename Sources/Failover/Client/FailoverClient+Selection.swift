import Localization

extension FailoverClient {
    /// Forgets the remembered selection: the next client starts with a health-check round.
    ///
    /// - Throws: The file system's error when the state file exists but cannot be removed.
    public func clearRememberedSelection() throws {
        selectionCleared.withLock { $0 = true }
        try selectionStore?.clear()
    }

    /// Starts from the remembered selection when it is recent enough and for the same nodes.
    ///
    /// - Returns: Whether a selection was restored (then no health-check round is needed at start).
    func restoreSelection() -> Bool {
        guard let store = selectionStore else { return false }
        let configuration = settings.configuration
        do {
            guard let selection = try store.load(nodes: configuration.nodes.map(\.description), ttl: configuration.selectionTTL)
            else { return false }
            cluster.restore(selection, file: store.path)
            let current = cluster.status().nodes.first(where: \.isCurrent)
            if let current {
                logger.info("\(FailoverEvent.selectionRestored(node: current.index, url: current.url, file: store.path))")
            }
            return true
        } catch {
            if error != .expired {
                logger.warning("\(localized(.stateIgnored, store.path, error.message(in: .current)))")
            }
            return false
        }
    }

    /// Saves the selection; a failure is logged, never thrown (remembering is a convenience).
    func saveSelection(onShutdown: Bool = false) {
        guard let store = selectionStore else { return }
        // A selection cleared by hand is not written back at shutdown, only after a new change.
        if onShutdown, selectionCleared.withLock({ $0 }) { return }
        selectionCleared.withLock { $0 = false }
        do {
            try store.save(cluster.rememberedSelection())
        } catch {
            logger.warning("\(localized(.stateSaveFailed, store.path, String(describing: error)))")
        }
    }
}

extension SelectionStore.LoadProblem {
    /// Why a remembered selection was ignored, in words.
    func message(in language: Language) -> String {
        switch self {
        case .unreadable(let problem): localized(.stateProblemUnreadable, problem.message(in: language), language: language)
        case .corrupt(let detail): localized(.stateProblemCorrupt, detail, language: language)
        case .differentNodes: localized(.stateProblemDifferentNodes, language: language)
        case .expired: localized(.stateProblemExpired, language: language)
        }
    }
}
