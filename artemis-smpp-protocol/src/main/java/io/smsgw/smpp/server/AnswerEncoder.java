package io.smsgw.smpp.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import io.smsgw.smpp.codec.GenericNack;
import io.smsgw.smpp.codec.SmppCodec;
import io.smsgw.smpp.codec.SmppPdu;
import io.smsgw.smpp.codec.SmppResponse;
import io.smsgw.smpp.codec.SmppStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The acceptor's encoder: as the codec's {@code SmppPduEncoder}, except for an answer the codec refuses. Every answer is
 * meant to be encodable (the session refuses requests whose echoed fields could not be written back), so this is a last
 * resort: the request was handled, a submit's messages may already be stored, and failing the write would close the
 * connection with nothing but a generic line in the log. Instead the refusal is logged as an ERROR naming the answer,
 * and the ESME gets a generic_nack (ESME_RSYSERR) under the request's sequence_number, so the connection and every
 * other request in its window go on.
 */
@ChannelHandler.Sharable
final class AnswerEncoder extends MessageToByteEncoder<SmppPdu> {

   private static final Logger logger = LoggerFactory.getLogger(AnswerEncoder.class);

   AnswerEncoder() {
      super(SmppPdu.class);
   }

   @Override
   protected void encode(ChannelHandlerContext ctx, SmppPdu pdu, ByteBuf out) {
      try {
         SmppCodec.encode(pdu, out);
      } catch (IllegalArgumentException e) {
         if (!(pdu instanceof SmppResponse) || pdu instanceof GenericNack) {
            throw e;
         }
         // Nothing of the refused answer was appended (the codec checks every field before it writes).
         logger.error("SMPP answer to {} could not be encoded ({}): {}; its request was handled (a submit's messages may be "
                      + "stored) but the ESME gets generic_nack ESME_RSYSERR instead and may send it again", ctx.channel().remoteAddress(),
                      e.getMessage(), pdu);
         SmppCodec.encode(new GenericNack(pdu.sequenceNumber(), SmppStatus.ESME_RSYSERR), out);
      }
   }
}
