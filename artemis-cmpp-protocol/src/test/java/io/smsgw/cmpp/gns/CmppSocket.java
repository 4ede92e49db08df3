package io.smsgw.cmpp.gns;

import java.io.IOException;
import java.net.Socket;
import java.time.Clock;

import io.smsgw.broker.testing.RawFrameSocket;
import io.smsgw.cmpp.codec.CmppAuthenticator;
import io.smsgw.cmpp.codec.CmppCodec;
import io.smsgw.cmpp.codec.CmppPdu;
import io.smsgw.cmpp.codec.CmppTimestamp;
import io.smsgw.cmpp.codec.CmppVersion;
import io.smsgw.cmpp.codec.Connect;
import io.smsgw.cmpp.codec.ConnectResp;

/**
 * One CMPP connection on a plain blocking socket with the project's codec (3.0 layout unless
 * {@link #useVersion(CmppVersion) told otherwise}), for tests that play a gateway or a tandem byte by byte: wrong
 * Source_Ids, pushes with old time stamps, silence.
 */
public final class CmppSocket implements AutoCloseable {

   private final RawFrameSocket socket;
   private int sequence = 5000;
   private CmppVersion version = CmppVersion.V30;

   public CmppSocket(Socket socket) throws IOException {
      this.socket = new RawFrameSocket(socket);
   }

   public static CmppSocket connect(int port) throws IOException {
      return new CmppSocket(new Socket("127.0.0.1", port));
   }

   /** The layout of what is sent and read from now on, as after a CONNECT with that version. */
   public void useVersion(CmppVersion version) {
      this.version = version;
   }

   public int nextSequence() {
      return ++sequence;
   }

   /** Sends CONNECT as gateway {@code code} with {@code secret} and returns the answer. */
   public ConnectResp login(String code, String secret) throws IOException {
      return login(connectOf(code, secret, CmppTimestamp.forConnect(Clock.systemDefaultZone(), code)));
   }

   /** Sends {@code connect} (e.g. one captured from another connection) and returns the answer. */
   public ConnectResp login(Connect connect) throws IOException {
      send(connect);
      return (ConnectResp) read();
   }

   /** A 3.0 CONNECT of {@code code} whose authenticator is right for {@code secret} and {@code timestamp}. */
   public static Connect connectOf(String code, String secret, long timestamp) {
      return new Connect(1, code, CmppAuthenticator.authenticatorSource(code, secret, timestamp), 0x30, timestamp);
   }

   public void send(CmppPdu pdu) throws IOException {
      socket.send(buf -> CmppCodec.encode(pdu, version, buf));
   }

   public void sendBytes(byte[] bytes) throws IOException {
      socket.sendBytes(bytes);
   }

   /** The next PDU, or null if none arrives within the timeout. */
   public CmppPdu read(int timeoutMillis) throws IOException {
      return socket.read(timeoutMillis, frame -> CmppCodec.decode(frame, version));
   }

   public CmppPdu read() throws IOException {
      CmppPdu pdu = read(10_000);
      if (pdu == null) {
         throw new IOException("no PDU within 10 s");
      }
      return pdu;
   }

   /** Reads PDUs until one of {@code type} arrives (others, e.g. ACTIVE_TEST, are skipped). */
   public <T extends CmppPdu> T read(Class<T> type) throws IOException {
      while (true) {
         CmppPdu pdu = read();
         if (type.isInstance(pdu)) {
            return type.cast(pdu);
         }
      }
   }

   /** This end's address, as the other side sees it. */
   public java.net.SocketAddress localAddress() {
      return socket.localAddress();
   }

   /** True once the peer has closed the connection. */
   public boolean closedByPeer(int timeoutMillis) throws IOException {
      return socket.closedByPeer(timeoutMillis);
   }

   @Override
   public void close() throws IOException {
      socket.close();
   }
}
