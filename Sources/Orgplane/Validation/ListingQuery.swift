import HTTP

/// The query of the key and invite listings: `include=ended` adds the ones that ended
/// (revoked, expired, accepted) in the last `ListingQuery.endedDays` days, at most
/// `ListingQuery.endedLimit` of them. Absent or empty: only the live ones (as before).
struct ListingQuery {
    static let endedDays = 90
    static let endedLimit = 100

    var includeEnded = false

    init(_ request: Request) throws {
        guard let pairs = request.queryPairs else {
            throw APIError(.invalidQuery, "The query string is not valid (bad percent-encoding).")
        }
        let values = pairs.filter { $0.name == "include" }.map(\.value)
        guard values.count <= 1 else { throw APIError(.invalidQuery, "Give include at most once.") }
        switch values.first ?? "" {
        case "": break
        case "ended": includeEnded = true
        default: throw APIError(.invalidQuery, "include must be \"ended\" or left out.")
        }
    }
}
