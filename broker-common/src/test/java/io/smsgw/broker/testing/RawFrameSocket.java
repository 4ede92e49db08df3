package io.smsgw.broker.testing;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * A blocking socket that speaks frames led by a four-byte big-endian total length, as SMPP and CMPP do.
 * Tests build byte-level peers on it for what client libraries will not send: malformed frames, protocol
 * violations, silence. The protocol's codec is passed in, so one class serves both protocols.
 */
public final class RawFrameSocket implements AutoCloseable {

   private final Socket socket;
   private final DataInputStream in;
   private final OutputStream out;

   public RawFrameSocket(Socket socket) throws IOException {
      this.socket = socket;
      this.in = new DataInputStream(socket.getInputStream());
      this.out = socket.getOutputStream();
   }

   public static RawFrameSocket connect(int port) throws IOException {
      return new RawFrameSocket(new Socket("127.0.0.1", port));
   }

   /** Connects to 127.0.0.1 from another loopback address ({@code 127.0.0.2}...), to be another client host. */
   public static RawFrameSocket connectFrom(String localAddress, int port) throws IOException {
      return new RawFrameSocket(new Socket(java.net.InetAddress.getByName("127.0.0.1"), port,
                                           java.net.InetAddress.getByName(localAddress), 0));
   }

   /** Connects over TLS with {@code context} and completes the handshake before returning. */
   public static RawFrameSocket connectTls(int port, javax.net.ssl.SSLContext context) throws IOException {
      javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port);
      socket.setSoTimeout(10_000);
      socket.startHandshake();
      return new RawFrameSocket(socket);
   }

   /** Encodes with {@code encoder} into a fresh buffer and sends the result. */
   public void send(Consumer<ByteBuf> encoder) throws IOException {
      ByteBuf buf = Unpooled.buffer();
      try {
         encoder.accept(buf);
         byte[] bytes = new byte[buf.readableBytes()];
         buf.readBytes(bytes);
         sendBytes(bytes);
      } finally {
         buf.release();
      }
   }

   public void sendBytes(byte[] bytes) throws IOException {
      out.write(bytes);
      out.flush();
   }

   /** The next frame, whole (length included), given to {@code decoder}; null if none arrives within the timeout. */
   public <T> T read(int timeoutMillis, Function<ByteBuf, T> decoder) throws IOException {
      socket.setSoTimeout(timeoutMillis);
      try {
         int length = in.readInt();
         byte[] frame = new byte[length];
         frame[0] = (byte) (length >>> 24);
         frame[1] = (byte) (length >>> 16);
         frame[2] = (byte) (length >>> 8);
         frame[3] = (byte) length;
         in.readFully(frame, 4, length - 4);
         ByteBuf buf = Unpooled.wrappedBuffer(frame);
         try {
            return decoder.apply(buf);
         } finally {
            buf.release();
         }
      } catch (SocketTimeoutException e) {
         return null;
      }
   }

   /** True once the peer has closed the connection (end of stream or reset) within the timeout. */
   public boolean closedByPeer(int timeoutMillis) throws IOException {
      socket.setSoTimeout(timeoutMillis);
      try {
         while (in.read() >= 0) {
            // drain until the end of the stream
         }
         return true;
      } catch (SocketTimeoutException e) {
         return false;
      } catch (EOFException | SocketException | javax.net.ssl.SSLException e) {
         return true; // a TLS peer that closes without close_notify ends in an SSLException
      }
   }

   /** This end's address, as the broker sees the peer. */
   public java.net.SocketAddress localAddress() {
      return socket.getLocalSocketAddress();
   }

   @Override
   public void close() throws IOException {
      socket.close();
   }
}
