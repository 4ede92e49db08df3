package io.smsgw.examples;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.smsgw.cmpp.codec.ActiveTest;
import io.smsgw.cmpp.codec.CmppAuthenticator;
import io.smsgw.cmpp.codec.CmppCodec;
import io.smsgw.cmpp.codec.CmppPdu;
import io.smsgw.cmpp.codec.CmppTimestamp;
import io.smsgw.cmpp.codec.CmppVersion;
import io.smsgw.cmpp.codec.Connect;
import io.smsgw.cmpp.codec.ConnectResp;
import io.smsgw.cmpp.codec.Deliver;
import io.smsgw.cmpp.codec.StatusReport;
import io.smsgw.cmpp.codec.Submit;
import io.smsgw.cmpp.codec.SubmitResp;
import io.smsgw.cmpp.codec.Terminate;
import io.smsgw.cmpp.codec.TerminateResp;
import io.smsgw.core.id.CmppMsgId;
import io.smsgw.core.text.SmsEncoding;
import io.smsgw.core.text.SmsText;

/**
 * A CMPP 3.0 SP on a plain socket, written with the project's own codec: connects as the demo SP
 * {@code 901234}, submits one short message with a status report requested, waits for the report
 * (a DELIVER carrying the Msg_Id of SUBMIT_RESP) and prints both.
 *
 * <p>{@code mvn -pl examples exec:java -Dexec.mainClass=io.smsgw.examples.SendFirstCmpp}
 * (optional: {@code -Dsmsgw.host=... -Dsmsgw.cmpp.port=... -Dsmsgw.cmpp.destination=...}).
 */
public final class SendFirstCmpp {

   public static final String SP_ID = "901234";
   public static final String SECRET = "secret";
   /** The SP's service number (SP_Code); the account only accepts sources starting with it. */
   public static final String SOURCE = "1065712345";
   public static final String SERVICE_ID = "HELLO";
   public static final String DESTINATION = "13800138000";
   /** System property: the handset {@link #main} sends to (default {@value #DESTINATION}). */
   public static final String DESTINATION_PROPERTY = "smsgw.cmpp.destination";
   public static final String TEXT = "Hello from CMPP";
   /** How long {@link #main} waits for the status report. */
   public static final Duration REPORT_TIMEOUT = Duration.ofSeconds(30);

   private static final CmppVersion VERSION = CmppVersion.V30;
   private static final int TIMEOUT_MILLIS = 10_000;
   /** Msg_Fmt values: ASCII text and UCS2 text. */
   private static final int MSG_FMT_ASCII = 0;
   private static final int MSG_FMT_UCS2 = 8;
   private static final int MAX_CONTENT = 140;
   /** Larger than any PDU the gateway sends an SP; anything bigger means the stream is out of step. */
   private static final int MAX_FRAME = 4096;

   private final Socket socket;
   private final DataInputStream in;
   private final OutputStream out;
   /** DELIVERs read while waiting for a response, already answered. */
   private final Queue<Deliver> delivered = new ArrayDeque<>();
   private int sequence;

   /**
    * What the SP saw.
    *
    * @param msgId  the Msg_Id of SUBMIT_RESP in its text form (16 hex digits), which applications see as {@code smsId}
    * @param report the status report for that Msg_Id, or null if none came in time
    */
   public record Outcome(String msgId, StatusReport report) {
   }

   private SendFirstCmpp(Socket socket) throws IOException {
      this.socket = socket;
      this.in = new DataInputStream(socket.getInputStream());
      this.out = socket.getOutputStream();
   }

   public static void main(String[] args) throws Exception {
      String host = System.getProperty("smsgw.host", "localhost");
      int port = Integer.getInteger(QuickStartGateway.CMPP_PORT_PROPERTY, 7890);
      String destination = System.getProperty(DESTINATION_PROPERTY, DESTINATION);
      Outcome outcome = send(host, port, TEXT, destination, REPORT_TIMEOUT);
      System.out.println("Submitted \"" + TEXT + "\" to " + destination + ", Msg_Id: " + outcome.msgId());
      StatusReport report = outcome.report();
      if (report == null) {
         System.out.println("No status report within " + REPORT_TIMEOUT.toSeconds() + " s (is the SMSC link bound? see the gateway log)");
      } else {
         System.out.println("Status report: " + report.stat() + ", submitted " + report.submitTime() + ", done "
                               + report.doneTime() + ", handset " + report.destTerminalId());
      }
   }

   /**
    * Connects, submits {@code text} as one message (ASCII if it can, UCS2 otherwise; status report
    * requested), waits up to {@code reportTimeout} for the report on that Msg_Id and terminates the
    * session. Every DELIVER that arrives meanwhile is answered with Result 0; those that are not the
    * report awaited (earlier reports, MO) are printed.
    *
    * @throws IOException if the gateway refuses the CONNECT or the SUBMIT, or does not answer in time
    * @throws IllegalArgumentException if the text does not fit one message (140 octets)
    */
   public static Outcome send(String host, int port, String text, String destination, Duration reportTimeout) throws IOException {
      boolean ascii = StandardCharsets.US_ASCII.newEncoder().canEncode(text);
      byte[] content = text.getBytes(ascii ? StandardCharsets.US_ASCII : StandardCharsets.UTF_16BE);
      if (content.length > MAX_CONTENT) {
         throw new IllegalArgumentException("Text of " + content.length + " octets does not fit one message; split it first");
      }
      try (Socket socket = new Socket()) {
         socket.connect(new InetSocketAddress(host, port), TIMEOUT_MILLIS);
         socket.setSoTimeout(TIMEOUT_MILLIS);
         SendFirstCmpp sp = new SendFirstCmpp(socket);
         sp.connect();
         long msgId = sp.submit(content, ascii ? MSG_FMT_ASCII : MSG_FMT_UCS2, destination);
         StatusReport report = sp.awaitReport(msgId, reportTimeout);
         sp.terminate();
         return new Outcome(CmppMsgId.toHex(msgId), report);
      }
   }

   private void connect() throws IOException {
      long timestamp = CmppTimestamp.forConnect(Clock.systemDefaultZone(), SP_ID);
      byte[] authenticator = CmppAuthenticator.authenticatorSource(SP_ID, SECRET, timestamp);
      write(new Connect(++sequence, SP_ID, authenticator, VERSION.code(), timestamp));
      ConnectResp resp = awaitResponse(ConnectResp.class);
      if (!resp.isOk()) {
         throw new IOException("CONNECT refused with Status " + resp.status());
      }
   }

   private long submit(byte[] content, int msgFmt, String destination) throws IOException {
      // Free message (FeeType 01), charged to nobody, no validity or schedule time: the gateway's defaults.
      write(new Submit(++sequence, 0L, 1, 1, 1, 1, SERVICE_ID, 0, "", 0, 0, 0, msgFmt, SP_ID, "01", "000000",
                       "", "", SOURCE, List.of(destination), 0, content, "", ""));
      SubmitResp resp = awaitResponse(SubmitResp.class);
      if (!resp.isOk()) {
         throw new IOException("SUBMIT refused with Result " + resp.result());
      }
      return resp.msgId();
   }

   /** The status report on {@code msgId}, or null when {@code timeout} passes first. */
   private StatusReport awaitReport(long msgId, Duration timeout) throws IOException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (true) {
         Deliver deliver = delivered.poll();
         if (deliver == null) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
               return null;
            }
            socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, left / 1_000_000)));
            try {
               awaitResponse(Deliver.class); // returns only once a DELIVER was read and answered
            } catch (SocketTimeoutException e) {
               return null;
            } finally {
               socket.setSoTimeout(TIMEOUT_MILLIS);
            }
            continue;
         }
         StatusReport report = deliver.statusReport(VERSION).orElse(null);
         if (report != null && report.msgId() == msgId) {
            return report;
         }
         System.out.println(report != null
                               ? "(an earlier status report: " + CmppMsgId.toHex(report.msgId()) + " " + report.stat() + ")"
                               : "(an MO from " + deliver.srcTerminalId() + " to " + deliver.destId() + ": \""
                                    + SmsText.decode(deliver.msgContent(), SmsEncoding.fromCmppMsgFmt(deliver.msgFmt())) + "\")");
      }
   }

   private void terminate() throws IOException {
      write(new Terminate(++sequence));
      awaitResponse(TerminateResp.class);
   }

   /**
    * Reads until a PDU of type {@code type} arrives. ACTIVE_TESTs are answered; DELIVERs are answered
    * with Result 0 and kept for {@link #awaitReport}.
    */
   private <T extends CmppPdu> T awaitResponse(Class<T> type) throws IOException {
      while (true) {
         CmppPdu pdu = read();
         if (pdu instanceof Deliver deliver) {
            write(deliver.response(0));
            delivered.add(deliver);
         } else if (pdu instanceof ActiveTest test) {
            write(test.response());
         }
         if (type.isInstance(pdu)) {
            return type.cast(pdu);
         }
      }
   }

   private void write(CmppPdu pdu) throws IOException {
      ByteBuf buf = Unpooled.buffer();
      try {
         CmppCodec.encode(pdu, VERSION, buf);
         out.write(buf.array(), buf.arrayOffset() + buf.readerIndex(), buf.readableBytes());
         out.flush();
      } finally {
         buf.release();
      }
   }

   private CmppPdu read() throws IOException {
      int length = in.readInt();
      if (length < CmppCodec.HEADER_LENGTH || length > MAX_FRAME) {
         throw new IOException("Bad Total_Length " + length + " from " + socket.getRemoteSocketAddress());
      }
      byte[] bytes = new byte[length];
      in.readFully(bytes, Integer.BYTES, length - Integer.BYTES);
      ByteBuf frame = Unpooled.wrappedBuffer(bytes).setInt(0, length);
      try {
         return CmppCodec.decode(frame, VERSION);
      } finally {
         frame.release();
      }
   }
}
