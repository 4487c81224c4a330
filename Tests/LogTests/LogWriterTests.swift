import Glibc
import Log
import Testing

/// A pipe for one test; both ends closed at the end.
private final class Pipe {
    var read: Int32
    let write: Int32
    init() {
        var ends: [Int32] = [0, 0]
        precondition(pipe(&ends) == 0)
        (read, write) = (ends[0], ends[1])
    }
    deinit {
        if read >= 0 { close(read) }
        close(write)
    }

    /// Everything written so far (the read end is non-blocking).
    func drain() -> String {
        _ = fcntl(read, F_SETFL, fcntl(read, F_GETFL) | O_NONBLOCK)
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = Glibc.read(read, &buffer, buffer.count)
            if count <= 0 { break }
            bytes += buffer[0..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

@Suite("The log writer: write(2), never a trap")
struct LogWriterTests {
    @Test("lines arrive whole, one per call")
    func lines() {
        let pipe = Pipe()
        let log = LogWriter(descriptor: pipe.write)
        log.write("serve: one")
        log.write(#"{"status":200}"#)
        #expect(pipe.drain() == "serve: one\n{\"status\":200}\n")
        #expect(log.droppedLines == 0)
    }

    @Test("a pipe whose reader stalls never blocks the writer: lines beyond the pipe's buffer are dropped and counted")
    func readerStalls() throws {
        let pipe = Pipe()
        let log = LogWriter(descriptor: pipe.write)
        try #require(log.neverBlock())
        try #require(fcntl(pipe.write, F_GETFL) & O_NONBLOCK != 0)
        let line = String(repeating: "x", count: 1000)
        for _ in 0..<200 { log.write(line) }  // 200 KB into a 64 KiB pipe nobody reads
        #expect(log.droppedLines > 0)
        #expect(log.droppedLines < 200)
    }

    @Test("a regular file stays blocking")
    func fileStaysBlocking() throws {
        var template = Array("/tmp/orgplane-log-XXXXXX".utf8CString)
        let descriptor = mkstemp(&template)
        try #require(descriptor >= 0)
        defer {
            close(descriptor)
            unlink(template)
        }
        #expect(!LogWriter(descriptor: descriptor).neverBlock())
        #expect(fcntl(descriptor, F_GETFL) & O_NONBLOCK == 0)
    }

    @Test("a pipe whose reader is gone drops lines (EPIPE, no SIGPIPE, no trap) and counts them")
    func readerGone() {
        let pipe = Pipe()
        close(pipe.read)
        pipe.read = -1
        let log = LogWriter(descriptor: pipe.write)
        log.write("lost")
        log.write("lost too")
        #expect(log.droppedLines == 2)
    }

    @Test("a full non-blocking pipe drops lines (EAGAIN); the next line that fits says how many")
    func fullPipe() {
        let pipe = Pipe()
        _ = fcntl(pipe.write, F_SETFL, fcntl(pipe.write, F_GETFL) | O_NONBLOCK)
        let log = LogWriter(descriptor: pipe.write)
        let filler = [UInt8](repeating: 0x2E, count: 4096)
        while Glibc.write(pipe.write, filler, filler.count) > 0 {}
        log.write("dropped")
        #expect(log.droppedLines == 1)
        _ = pipe.drain()
        log.write("next")
        #expect(pipe.drain() == "log: 1 earlier lines could not be written and were dropped\nnext\n")
        #expect(log.droppedLines == 0)
    }

    @Test("a line cut off part way is dropped, and the next one starts on a new line")
    func tornLine() {
        let pipe = Pipe()
        _ = fcntl(pipe.write, F_SETFL, fcntl(pipe.write, F_GETFL) | O_NONBLOCK)
        let capacity = Int(fcntl(pipe.write, 1032))  // F_GETPIPE_SZ (Linux; not exported to Swift)
        let log = LogWriter(descriptor: pipe.write)
        log.write(String(repeating: "x", count: capacity + 100))  // fits only in part
        #expect(log.droppedLines == 1)
        #expect(pipe.drain().count == capacity)
        log.write("next")
        #expect(pipe.drain() == "\nlog: 1 earlier lines could not be written and were dropped\nnext\n")
    }
}
