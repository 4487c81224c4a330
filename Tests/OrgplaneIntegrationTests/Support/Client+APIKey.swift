import HTTP
import Orgplane

extension Client {
    /// A client that authenticates with an API key.
    convenience init(key: String, services: Services = TestApp.services) {
        self.init(services: services)
        bearer = key
    }

    /// Asks `/_authz` about `method uri`, as nginx's `auth_request` does.
    func authz(_ method: String, _ uri: String, headers: [String: String] = [:]) -> Response {
        var all = ["X-Original-Method": method, "X-Original-URI": uri]
        for (name, value) in headers { all[name] = value }
        return get("/_authz", headers: all)
    }
}
