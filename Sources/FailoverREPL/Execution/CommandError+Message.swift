import Localization

extension CommandError {
    /// The error in one line, with the nearest valid command when there is one.
    func message(in language: Language) -> String {
        switch kind {
        case .unknownCommand(let word, let suggestion):
            if let suggestion { return localized(.replErrorUnknownCommandSuggestion, word, suggestion, language: language) }
            return localized(.replErrorUnknownCommand, word, language: language)
        case .missingArgument(let command, let argument):
            return localized(.replErrorMissingArgument, command, argument, Help.usage(of: command, in: language), language: language)
        case .unexpectedArgument(let command, let argument):
            return localized(.replErrorUnexpectedArgument, command, argument, Help.usage(of: command, in: language), language: language)
        case .invalidNodeIndex(let text): return localized(.replErrorInvalidNodeIndex, text, language: language)
        case .invalidNumber(let text): return localized(.replErrorInvalidNumber, text, language: language)
        case .invalidPath(let text): return localized(.replErrorInvalidPath, text, language: language)
        case .invalidHeader(let text): return localized(.replErrorInvalidHeader, text, language: language)
        case .unterminatedQuote: return localized(.replErrorUnterminatedQuote, language: language)
        case .unbalancedJSON: return localized(.replErrorUnbalancedJSON, language: language)
        case .unknownDemoAction(let word, let suggestion):
            if let suggestion { return localized(.replErrorUnknownDemoActionSuggestion, word, suggestion, language: language) }
            return localized(.replErrorUnknownDemoAction, word, language: language)
        case .invalidLanguage(let text): return localized(.replErrorInvalidLanguage, text, language: language)
        case .missingHeaderValue: return localized(.replErrorMissingHeaderValue, language: language)
        case .unknownCertificateKind(let word, let suggestion):
            if let suggestion { return localized(.replErrorUnknownCertificateKindSuggestion, word, suggestion, language: language) }
            return localized(.replErrorUnknownCertificateKind, word, language: language)
        case .unknownPolicy(let word, let suggestion):
            if let suggestion { return localized(.replErrorUnknownPolicySuggestion, word, suggestion, language: language) }
            return localized(.replErrorUnknownPolicy, word, language: language)
        }
    }
}
