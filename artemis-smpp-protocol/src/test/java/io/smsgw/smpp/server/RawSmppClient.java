package io.smsgw.smpp.server;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.smsgw.smpp.codec.SmppCodec;
import io.smsgw.smpp.codec.SmppPdu;

/**
 * A byte-level SMPP peer on a plain socket, for the cases the client libraries will not produce:
 * malformed frames, protocol violations, silent receivers.
 */
final class RawSmppClient implements AutoCloseable {

   private final Socket socket;
   private final DataInputStream in;
   private final OutputStream out;

   RawSmppClient(int port) throws IOException {
      socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout(10_000);
      in = new DataInputStream(socket.getInputStream());
      out = socket.getOutputStream();
   }

   void send(SmppPdu pdu) throws IOException {
      ByteBuf buf = Unpooled.buffer();
      SmppCodec.encode(pdu, buf);
      byte[] bytes = new byte[buf.readableBytes()];
      buf.readBytes(bytes);
      buf.release();
      sendBytes(bytes);
   }

   void sendBytes(byte[] bytes) throws IOException {
      out.write(bytes);
      out.flush();
   }

   /** The next PDU, or null if none arrives within the timeout. */
   SmppPdu read(int timeoutMillis) throws IOException {
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
            return SmppCodec.decode(buf);
         } finally {
            buf.release();
         }
      } catch (SocketTimeoutException e) {
         return null;
      }
   }

   SmppPdu read() throws IOException {
      SmppPdu pdu = read(10_000);
      if (pdu == null) {
         throw new IOException("no PDU within 10 s");
      }
      return pdu;
   }

   /** True once the server has closed the connection (read returns end of stream). */
   boolean closedByServer(int timeoutMillis) throws IOException {
      socket.setSoTimeout(timeoutMillis);
      try {
         while (true) {
            if (in.read() < 0) {
               return true;
            }
         }
      } catch (SocketTimeoutException e) {
         return false;
      } catch (EOFException | java.net.SocketException e) {
         return true;
      }
   }

   @Override
   public void close() throws IOException {
      socket.close();
   }
}
