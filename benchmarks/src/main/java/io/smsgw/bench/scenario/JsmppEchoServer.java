package io.smsgw.bench.scenario;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jsmpp.PDUStringException;
import org.jsmpp.bean.BroadcastSm;
import org.jsmpp.bean.CancelBroadcastSm;
import org.jsmpp.bean.CancelSm;
import org.jsmpp.bean.DataSm;
import org.jsmpp.bean.QueryBroadcastSm;
import org.jsmpp.bean.QuerySm;
import org.jsmpp.bean.ReplaceSm;
import org.jsmpp.bean.SubmitMulti;
import org.jsmpp.bean.SubmitSm;
import org.jsmpp.extra.ProcessRequestException;
import org.jsmpp.session.BroadcastSmResult;
import org.jsmpp.session.DataSmResult;
import org.jsmpp.session.QueryBroadcastSmResult;
import org.jsmpp.session.QuerySmResult;
import org.jsmpp.session.SMPPServerSession;
import org.jsmpp.session.SMPPServerSessionListener;
import org.jsmpp.session.ServerMessageReceiverListener;
import org.jsmpp.session.Session;
import org.jsmpp.session.SubmitMultiResult;
import org.jsmpp.session.SubmitSmResult;
import org.jsmpp.session.connection.ServerConnection;
import org.jsmpp.session.connection.ServerConnectionFactory;
import org.jsmpp.session.connection.socket.ServerSocketConnection;
import org.jsmpp.util.MessageId;

/**
 * The non-durable baseline: a jSMPP 3.0.1 server session on 127.0.0.1 that accepts any bind and answers
 * every submit_sm at once with a new message id, storing nothing. The same load generator drives it as
 * the gateway, so the difference is what durable storage (and the broker) costs.
 */
public final class JsmppEchoServer implements AutoCloseable {

    private static final ProcessRequestException NOT_SUPPORTED =
            new ProcessRequestException("not supported by the echo server", 0x03);

    /** PDUs a session may queue for processing; jSMPP throttles beyond it, and the load generator keeps up to 1000 outstanding. */
    private static final int QUEUE_CAPACITY = 10_000;

    private final SMPPServerSessionListener listener;
    private final ExecutorService acceptor = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "jsmpp-echo-accept");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicLong nextId = new AtomicLong(1);
    private volatile boolean running = true;

    private final LoopbackConnectionFactory connections = new LoopbackConnectionFactory();

    private JsmppEchoServer(int port, int processorDegree) throws IOException {
        listener = new SMPPServerSessionListener(port, 60_000, 50, connections);
        listener.setPduProcessorDegree(processorDegree);
        listener.setQueueCapacity(QUEUE_CAPACITY);
        listener.setMessageReceiverListener(new Echo());
    }

    /**
     * Starts listening on 127.0.0.1.
     *
     * @param port            0 for a free port
     * @param processorDegree jSMPP PDU processing threads per session (the baseline used 10)
     */
    public static JsmppEchoServer start(int port, int processorDegree) throws IOException {
        JsmppEchoServer server = new JsmppEchoServer(port, processorDegree);
        server.acceptor.execute(server::acceptLoop);
        return server;
    }

    /** The port actually listened on. */
    public int port() {
        return connections.boundPort;
    }

    private void acceptLoop() {
        while (running) {
            try {
                SMPPServerSession session = listener.accept();
                Thread binder = new Thread(() -> {
                    try {
                        session.waitForBind(10_000).accept("ECHO");
                    } catch (Exception e) {
                        session.close();
                    }
                }, "jsmpp-echo-bind");
                binder.setDaemon(true);
                binder.start();
            } catch (IOException e) {
                if (running) {
                    System.err.println("jSMPP echo server: accept failed: " + e);
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        running = false;
        listener.close();
        acceptor.shutdownNow();
        try {
            acceptor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code JsmppEchoServer [PORT [PROCESSOR_DEGREE]]}: prints {@code READY port=<port>} and runs until stopped. */
    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        int degree = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        JsmppEchoServer server = start(port, degree);
        System.out.println("READY port=" + server.port());
        Thread.currentThread().join();
    }

    /** Answers submit_sm with a fresh id; nothing else is needed for the baseline. */
    private final class Echo implements ServerMessageReceiverListener {

        @Override
        public SubmitSmResult onAcceptSubmitSm(SubmitSm submitSm, SMPPServerSession source)
                throws ProcessRequestException {
            try {
                return new SubmitSmResult(new MessageId(Long.toHexString(nextId.getAndIncrement())), null);
            } catch (PDUStringException e) {
                throw new ProcessRequestException(e.getMessage(), 0x08);
            }
        }

        @Override
        public SubmitMultiResult onAcceptSubmitMulti(SubmitMulti submitMulti, SMPPServerSession source)
                throws ProcessRequestException {
            throw NOT_SUPPORTED;
        }

        @Override
        public QuerySmResult onAcceptQuerySm(QuerySm querySm, SMPPServerSession source) throws ProcessRequestException {
            throw NOT_SUPPORTED;
        }

        @Override
        public void onAcceptReplaceSm(ReplaceSm replaceSm, SMPPServerSession source) throws ProcessRequestException {
            throw NOT_SUPPORTED;
        }

        @Override
        public void onAcceptCancelSm(CancelSm cancelSm, SMPPServerSession source) throws ProcessRequestException {
            throw NOT_SUPPORTED;
        }

        @Override
        public BroadcastSmResult onAcceptBroadcastSm(BroadcastSm broadcastSm, SMPPServerSession source)
                throws ProcessRequestException {
            throw NOT_SUPPORTED;
        }

        @Override
        public void onAcceptCancelBroadcastSm(CancelBroadcastSm cancelBroadcastSm, SMPPServerSession source)
                throws ProcessRequestException {
            throw NOT_SUPPORTED;
        }

        @Override
        public QueryBroadcastSmResult onAcceptQueryBroadcastSm(QueryBroadcastSm queryBroadcastSm,
                                                               SMPPServerSession source) throws ProcessRequestException {
            throw NOT_SUPPORTED;
        }

        @Override
        public DataSmResult onAcceptDataSm(DataSm dataSm, Session source) throws ProcessRequestException {
            throw NOT_SUPPORTED;
        }
    }

    /** jSMPP's default factory listens on every interface; the benchmark stays on loopback. */
    private static final class LoopbackConnectionFactory implements ServerConnectionFactory {

        private volatile int boundPort;

        @Override
        public ServerConnection listen(int port) throws IOException {
            return listen(port, 0, 50);
        }

        @Override
        public ServerConnection listen(int port, int timeout) throws IOException {
            return listen(port, timeout, 50);
        }

        @Override
        public ServerConnection listen(int port, int timeout, int backlog) throws IOException {
            ServerSocket socket = new ServerSocket();
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), backlog);
            socket.setSoTimeout(timeout);
            boundPort = socket.getLocalPort();
            return new ServerSocketConnection(socket);
        }
    }
}
