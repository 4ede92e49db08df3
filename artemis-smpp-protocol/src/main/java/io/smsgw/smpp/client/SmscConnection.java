package io.smsgw.smpp.client;

import io.smsgw.broker.LogText;
import io.smsgw.broker.PduChannelHandler;
import io.smsgw.broker.PduHandler;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.smsgw.core.config.SmscLinkConfig;
import io.smsgw.smpp.codec.AlertNotification;
import io.smsgw.smpp.codec.BindRequest;
import io.smsgw.smpp.codec.BindResponse;
import io.smsgw.smpp.codec.BindType;
import io.smsgw.smpp.codec.DataSm;
import io.smsgw.smpp.codec.DeliverSm;
import io.smsgw.smpp.codec.EnquireLink;
import io.smsgw.smpp.codec.EnquireLinkResp;
import io.smsgw.smpp.codec.GenericNack;
import io.smsgw.smpp.codec.MalformedPdu;
import io.smsgw.smpp.codec.SmppCodec;
import io.smsgw.smpp.codec.SmppPdu;
import io.smsgw.smpp.codec.SmppPduDecoder;
import io.smsgw.smpp.codec.SmppRequest;
import io.smsgw.smpp.codec.SmppStatus;
import io.smsgw.smpp.codec.SubmitSmResp;
import io.smsgw.smpp.codec.TlvTag;
import io.smsgw.smpp.codec.Unbind;
import io.smsgw.smpp.codec.UnbindResp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One TCP connection of a link to its SMSC, in one bind role: binds when connected, keeps the session
 * alive with enquire_link, and hands submit responses, receipts and MO to the {@link SmscLink}. Runs on the
 * link's event loop, like the link itself.
 *
 * <p>Its {@link #gate()} goes just before it in the pipeline and decides when the connection reads (docs/decisions.md,
 * "A link stops reading from an SMSC or peer gateway that does not read, or that has too many deliveries
 * unanswered"): not while the channel is not writable (an SMSC that sends enquire_link without reading the answers),
 * and not while {@code max-unanswered-deliveries} deliver_sm / data_sm wait for their answer, until half of them have it.
 */
final class SmscConnection extends ChannelInboundHandlerAdapter implements PduHandler<SmppPdu> {

   private static final Logger logger = LoggerFactory.getLogger(SmscConnection.class);

   /**
    * UNBINDING: unbind sent (stop, reconnect); answers still count, receipts and MO are still taken, nothing new goes out;
    * closes at unbind_resp once they are answered.
    */
   enum State { CONNECTING, BINDING, BOUND, UNBINDING, CLOSED }

   /** The longest wait for unbind_resp (or the response-timeout, if shorter) before the connection is closed anyway. */
   static final long UNBIND_WAIT_MAX_MILLIS = 2_000;

   private final SmscLink link;
   private final SmscLinkConfig config;
   private final BindType role;
   private Channel channel;
   private State state = State.CONNECTING;
   private int sequence;
   private long lastReceivedNanos = System.nanoTime();
   private long bindSentNanos;
   private int probeSequence = -1;
   private long probeSentNanos;
   private ScheduledFuture<?> timer;
   /** Why the gateway closed the connection, for the link's last error; null when the SMSC closed it. */
   private String closeReason;
   /** Closed because management asked the link to reconnect: not an error, and bound again at once. */
   private boolean forReconnect;
   private int bindSequence = -1;
   private int unbindSequence = -1;
   private ScheduledFuture<?> unbindTimeout;
   /** deliver_sm / data_sm handed to the link and not answered yet: unbind_resp closes only once they are. */
   private int deliveriesUnanswered;
   /** unbind_resp came while deliveries were still being stored: the last answer closes. */
   private boolean unbindAnswered;
   /** Whether the SMSC speaks 3.4 as far as the link knows (the bind asked, then the bind answer says): TLV statuses. */
   private boolean smsc34;
   /** Reads for this connection; hands it the PDUs. */
   private final PduChannelHandler<SmppPdu> gate;
   /** The last tick found reading held back for deliveries unanswered (tick). Event loop. */
   private boolean heldForDeliveries;

   SmscConnection(SmscLink link, SmscLinkConfig config, BindType role) {
      this.link = link;
      this.config = config;
      this.role = role;
      this.smsc34 = config.version34();
      this.gate = PduChannelHandler.forLink(SmppPdu.class, "SMSC link " + config.id(), config.maxUnansweredDeliveries(), this);
   }

   /** The handler that goes just before this one in the pipeline: it reads, and hands this one the PDUs. */
   PduChannelHandler<SmppPdu> gate() {
      return gate;
   }

   /** The connection's channel, null before it connected. Event loop. */
   Channel channel() {
      return channel;
   }

   /** deliver_sm / data_sm handed to the link and not answered yet. Event loop. */
   int deliveriesUnanswered() {
      return deliveriesUnanswered;
   }

   BindType role() {
      return role;
   }

   boolean canSubmit() {
      return state == State.BOUND && role != BindType.RECEIVER;
   }

   boolean isBound() {
      return state == State.BOUND;
   }

   int nextSequence() {
      sequence = sequence >= 0x7FFFFFFF ? 1 : sequence + 1;
      return sequence;
   }

   void write(SmppPdu pdu) {
      if (channel != null) {
         channel.writeAndFlush(pdu, channel.voidPromise());
      }
   }

   /**
    * Answers a deliver_sm or data_sm the link was handed (once its receipt or MO is stored, or with a temporary error).
    * After unbind_resp the connection waits for these answers (bounded by the unbind timer): closed earlier, the SMSC
    * would send again what the gateway already stored. Event loop.
    */
   void answer(SmppPdu response) {
      deliveriesUnanswered--;
      gate.answered();
      if (state == State.CLOSED) {
         return; // the SMSC sends it again
      }
      write(response);
      if (unbindAnswered && deliveriesUnanswered <= 0) {
         close();
      }
   }

   /**
    * Encodes {@code pdu} here instead of in the pipeline, so that a PDU the codec refuses (an address too long
    * or not Latin-1, a short_message over 255 octets) throws {@link IllegalArgumentException} to the caller with
    * nothing written, instead of failing the write and closing the connection.
    */
   void writeEncoded(SmppPdu pdu) {
      ByteBuf out = channel.alloc().ioBuffer();
      try {
         SmppCodec.encode(pdu, out);
      } catch (RuntimeException e) {
         out.release();
         throw e;
      }
      channel.writeAndFlush(out, channel.voidPromise());
   }

   void close() {
      if (channel != null) {
         channel.close();
      }
   }

   /** Closes the connection for {@code reason}, which becomes the link's last error; the link reconnects. */
   void close(String reason) {
      if (closeReason == null) {
         closeReason = reason;
      }
      close();
   }

   /** Unbinds, then closes, for management's reconnect; one still connecting is left to bind. */
   void closeForReconnect() {
      if (channel != null && state != State.CLOSED) {
         forReconnect = true;
         unbind();
      }
   }

   /** How long {@link #unbind()} waits for unbind_resp. */
   static long unbindWaitMillis(SmscLinkConfig config) {
      return Math.min(UNBIND_WAIT_MAX_MILLIS, config.responseTimeout().toMillis());
   }

   /**
    * Leaves the SMSC as SMPP asks (stop, reconnect): unbind, then close at unbind_resp or after
    * {@link #unbindWaitMillis}, whichever comes first. An SMSC that is only closed on may keep the session until its own
    * timeout and refuse the next bind with ESME_RALYBND. Nothing new is written meanwhile (canSubmit() is false); answers
    * to submit_sm in flight still settle their parts. A connection not bound yet is closed at once. Event loop.
    *
    * @return completes when the connection is closed
    */
   CompletableFuture<Void> unbind() {
      CompletableFuture<Void> closed = new CompletableFuture<>();
      if (channel == null) {
         closed.complete(null); // still connecting: nothing to unbind (and nothing to close yet)
         return closed;
      }
      channel.closeFuture().addListener(f -> closed.complete(null));
      if (state == State.BOUND) {
         state = State.UNBINDING;
         link.onUnbinding(this);
         unbindSequence = nextSequence();
         write(new Unbind(unbindSequence));
         long wait = unbindWaitMillis(config);
         unbindTimeout = channel.eventLoop().schedule(() -> {
            logger.info("SMSC link {}: no unbind_resp on the {} within {} ms; closing", config.id(), role, wait);
            close();
         }, wait, TimeUnit.MILLISECONDS);
      } else if (state != State.UNBINDING) {
         close();
      }
      return closed;
   }

   String closeReason() {
      return closeReason;
   }

   boolean closedForReconnect() {
      return forReconnect;
   }

   /** bind_transmitter, bind_receiver or bind_transceiver, as the SMPP specification names the request. */
   private String bindName() {
      return "bind_" + SmscLink.roleName(role);
   }

   @Override
   public void channelActive(ChannelHandlerContext ctx) {
      channel = ctx.channel();
      state = State.BINDING;
      bindSentNanos = System.nanoTime();
      bindSequence = nextSequence();
      write(new BindRequest(bindSequence, role, config.systemId(), config.password(), config.systemType(),
                            config.version34() ? BindRequest.INTERFACE_VERSION_34 : BindRequest.INTERFACE_VERSION_33,
                            config.addrTon(), config.addrNpi(), config.addressRange()));
      link.onBindSent(this);
      long period = Math.max(50, Math.min(config.enquireLinkInterval().toMillis(), config.responseTimeout().toMillis()) / 4);
      timer = channel.eventLoop().scheduleAtFixedRate(this::tick, period, period, TimeUnit.MILLISECONDS);
   }

   /** A PDU the {@link #gate()} hands over (it releases it afterwards). Event loop. */
   @Override
   public void onPdu(SmppPdu pdu) {
      lastReceivedNanos = System.nanoTime();
      if (pdu instanceof BindResponse bound) {
         if (state != State.BINDING) {
            // No bind waits for it (a stray or repeated answer): it refuses nothing. Closing here told the log the bind
            // was refused ("ESME_ROK") and rebound, sending the submit_sm in flight again (duplicates at the handset).
            logger.debug("SMSC link {}: ignoring a {} while {}", config.id(), bound.commandName(), state);
         } else if (bound.commandStatus() == SmppStatus.ESME_ROK) {
            state = State.BOUND;
            int scInterfaceVersion = bound.tlvs().getU8(TlvTag.SC_INTERFACE_VERSION);
            smsc34 = readsTlvs(config.version34(), scInterfaceVersion);
            SmppPduDecoder.version34(channel, smsc34);
            link.onBound(this, scInterfaceVersion);
         } else {
            logger.warn("SMSC link {} refused the {} bind: {}", config.id(), role, SmppStatus.name(bound.commandStatus()));
            close(bindName() + " refused: " + SmppStatus.name(bound.commandStatus()));
         }
      } else if (pdu instanceof UnbindResp || pdu instanceof GenericNack && pdu.sequenceNumber() == unbindSequence) {
         if (state == State.UNBINDING) {
            unbindAnswered = true;
            if (deliveriesUnanswered <= 0) {
               close(); // the SMSC let the session go
            }
         }
      } else if (pdu instanceof SubmitSmResp resp) {
         link.onSubmitResponse(this, resp.sequenceNumber(), resp.commandStatus(), resp.messageId());
      } else if (pdu instanceof GenericNack nack && state == State.BINDING && nack.sequenceNumber() == bindSequence) {
         // Some SMSCs nack a bind they will not take (an interface_version or field they refuse): a refusal, backed off
         // as one, not a bind left unanswered until response-timeout.
         String status = SmppStatus.name(nack.commandStatus());
         logger.warn("SMSC link {} refused the {} bind with generic_nack: {}", config.id(), role, status);
         close(bindName() + " refused: generic_nack " + status);
      } else if (pdu instanceof GenericNack nack && nack.sequenceNumber() == probeSequence) {
         // An SMSC that nacks enquire_link still answered it: the connection is alive, so no reconnect.
         probeSequence = -1;
      } else if (pdu instanceof GenericNack nack) {
         link.onSubmitResponse(this, nack.sequenceNumber(), nack.commandStatus() == 0 ? SmppStatus.ESME_RUNKNOWNERR : nack.commandStatus(), "");
      } else if (pdu instanceof DeliverSm deliver) {
         // While unbinding too: under SMPP 3.4 the side that sent unbind still answers what reaches it before
         // unbind_resp, and a refusal would have the SMSC send it again later (maybe to another gateway).
         if (state == State.BOUND || state == State.UNBINDING) {
            deliveriesUnanswered++;
            gate.taken();
            link.onDeliverSm(this, deliver);
         } else {
            write(deliver.response(SmppStatus.ESME_RINVBNDSTS));
         }
      } else if (pdu instanceof DataSm data) {
         if (state == State.BOUND || state == State.UNBINDING) {
            deliveriesUnanswered++;
            gate.taken();
            link.onDataSm(this, data);
         } else {
            write(data.errorResponse(SmppStatus.ESME_RINVBNDSTS));
         }
      } else if (pdu instanceof EnquireLink probe) {
         write(probe.response());
      } else if (pdu instanceof EnquireLinkResp) {
         probeSequence = -1;
      } else if (pdu instanceof Unbind unbind) {
         write(new UnbindResp(unbind.sequenceNumber(), SmppStatus.ESME_ROK));
         close("the SMSC unbound the " + SmscLink.roleName(role));
      } else if (pdu instanceof MalformedPdu malformed) {
         String reason = LogText.safe(String.valueOf(malformed.reason()), 200); // the reason may quote what the SMSC sent
         if (link.firstMalformed()) {
            logger.warn("SMSC link {} received a malformed {}: {} (further ones are counted in the link's log summary until "
                        + "an interval passes without one)", config.id(), malformed.commandName(), reason);
         } else {
            logger.debug("SMSC link {} received a malformed {}: {}", config.id(), malformed.commandName(), reason);
         }
         if (!malformed.isResponse()) {
            // SMPP 3.3 has no TLV statuses (0xC0-0xC4)
            int status = smsc34 ? malformed.errorStatus() : SmppStatus.forVersion33(malformed.errorStatus());
            write(new GenericNack(malformed.sequenceNumber(), status));
         }
      } else if (pdu instanceof AlertNotification alert) {
         // It has no response (SMPP 3.4 4.12.1), and the gateway holds nothing back waiting for a handset to become
         // reachable, so there is nothing to do but note it.
         logger.debug("SMSC link {}: alert_notification for {} ignored", config.id(), LogText.safe(alert.sourceAddr().address()));
      } else if (pdu instanceof SmppRequest request) {
         write(new GenericNack(request.sequenceNumber(), SmppStatus.ESME_RINVCMDID));
      }
   }

   /**
    * Whether what the SMSC sends after the bind answer is read with TLVs: not on a link that bound as 3.3, nor when the
    * SMSC answered a 3.4 bind with sc_interface_version below 3.4 (docs/decisions.md, "An SMPP 3.3 peer's PDUs are read
    * without TLVs"). SMPP 3.3 has no TLVs, and bytes after a deliver_sm's short_message (a NUL some 3.3 SMSCs add),
    * refused as a broken TLV, had the SMSC send the MO or receipt again for ever. An answer without
    * sc_interface_version still reads TLVs: many 3.4 SMSCs leave it out and put a receipt's id and state in TLVs.
    */
   static boolean readsTlvs(boolean linkVersion34, int scInterfaceVersion) {
      return linkVersion34 && (scInterfaceVersion < 0 || scInterfaceVersion >= BindRequest.INTERFACE_VERSION_34);
   }

   /** Binds that hang, silent SMSCs and unanswered probes end the connection; the link reconnects. */
   private void tick() {
      long now = System.nanoTime();
      long responseTimeout = config.responseTimeout().toNanos();
      if (state == State.BINDING && now - bindSentNanos > responseTimeout) {
         logger.warn("SMSC link {}: no bind response within {}; reconnecting", config.id(), config.responseTimeout());
         close(bindName() + " unanswered for " + config.responseTimeout());
         return;
      }
      if (state != State.BOUND) {
         return;
      }
      if (gate.atCap() || heldForDeliveries) {
         // The link holds back reading for deliveries it has not answered (its store is slow): the answers to its
         // enquire_link and submit_sm may be among the unread bytes, so none is judged unanswered now, nor at the first
         // tick after reading resumed (the bytes are read first); the wait for the enquire_link's starts again.
         heldForDeliveries = gate.atCap();
         if (probeSequence >= 0) {
            probeSentNanos = now;
         }
         return;
      }
      if (probeSequence >= 0 && now - probeSentNanos > responseTimeout) {
         logger.warn("SMSC link {}: enquire_link unanswered for {}; reconnecting", config.id(), config.responseTimeout());
         close("enquire_link unanswered for " + config.responseTimeout() + " on the " + SmscLink.roleName(role));
         return;
      }
      if (now - lastReceivedNanos >= config.enquireLinkInterval().toNanos()) {
         probe(now);
      }
      link.checkOverdue(this, now);
   }

   /**
    * Sends an enquire_link unless one is outstanding: its answer shows the SMSC still answers; left unanswered for the
    * response timeout, it closes the connection (tick).
    */
   void probe(long nowNanos) {
      if (probeSequence < 0 && state == State.BOUND) {
         probeSequence = nextSequence();
         probeSentNanos = nowNanos;
         write(new EnquireLink(probeSequence));
      }
   }

   /** When the SMSC last sent anything on this connection (System.nanoTime). */
   long lastReceivedNanos() {
      return lastReceivedNanos;
   }

   /** The gate saw the close first; {@link #channelInactive} does the work. */
   @Override
   public void onChannelClosed() {
   }

   @Override
   public void channelInactive(ChannelHandlerContext ctx) {
      state = State.CLOSED;
      if (timer != null) {
         timer.cancel(false);
      }
      if (unbindTimeout != null) {
         unbindTimeout.cancel(false);
      }
      link.onDisconnected(this);
   }

   @Override
   public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      String error = tlsError(cause);
      if (error == null) {
         error = SmscLink.roleName(role) + " connection error: " + cause;
      }
      logger.warn("SMSC link {}: {}", config.id(), error);
      if (closeReason == null) {
         closeReason = error;
      }
      ctx.close();
   }

   /**
    * A TLS failure said as one (the SslHandler wraps it in a DecoderException), or null: a certificate the link does
    * not trust or that names another host, an SMSC that wants a client certificate. In TLS 1.3 the SMSC judges the
    * client's certificate after the client's side of the handshake is done, so that one comes as an alert later.
    */
   private String tlsError(Throwable cause) {
      for (Throwable t = cause; t != null; t = t.getCause()) {
         if (t instanceof javax.net.ssl.SSLException) {
            String message = t.getMessage();
            String hint = "";
            if (config.keyStore().isEmpty() && message != null
                && (message.contains("certificate_required") || message.contains("bad_certificate"))) {
               hint = "; the link presents no client certificate (tls-key-store)";
            }
            return SmscLink.roleName(role) + " TLS with " + config.host() + ":" + config.port() + " failed: " + message + hint;
         }
      }
      return null;
   }
}
