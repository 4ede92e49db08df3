package io.smsgw.simulator;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.smsgw.smpp.codec.SmppCodec;
import io.smsgw.smpp.codec.SmppPdu;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;

/** A blocking socket client speaking raw bytes, for PDUs a well-behaved library would never send. */
final class RawEsme implements AutoCloseable {

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    RawEsme(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    void send(SmppPdu pdu) throws IOException {
        ByteBuf buffer = Unpooled.buffer();
        SmppCodec.encode(pdu, buffer);
        byte[] bytes = new byte[buffer.readableBytes()];
        buffer.readBytes(bytes);
        sendBytes(bytes);
    }

    void sendBytes(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** The next PDU from the simulator (blocks up to 10 s). */
    SmppPdu receive() throws IOException {
        int length = in.readInt();
        byte[] frame = new byte[length];
        frame[0] = (byte) (length >>> 24);
        frame[1] = (byte) (length >>> 16);
        frame[2] = (byte) (length >>> 8);
        frame[3] = (byte) length;
        in.readFully(frame, 4, length - 4);
        return SmppCodec.decode(Unpooled.wrappedBuffer(frame));
    }

    /** Whether the simulator closed the connection (end of stream within 10 s). */
    boolean closedByPeer() throws IOException {
        try {
            return in.read() < 0;
        } catch (EOFException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
