package io.smsgw.smpp.server;

import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cuts the byte stream into whole PDUs by command_length. A command_length below the 16-byte header or
 * above the acceptor's maximum cannot be answered safely (the stream can no longer be trusted), so the
 * connection is closed, as SMPP 3.4 allows for an invalid command length.
 */
final class SmppFrameDecoder extends ByteToMessageDecoder {

   static final int HEADER_LENGTH = 16;
   static final int MIN_MAX_PDU_SIZE = 1024;
   private static final Logger logger = LoggerFactory.getLogger(SmppFrameDecoder.class);

   private final int maxPduSize;
   private boolean closing;

   SmppFrameDecoder(int maxPduSize) {
      this.maxPduSize = maxPduSize;
   }

   @Override
   protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
      if (closing) {
         in.skipBytes(in.readableBytes());
         return;
      }
      if (in.readableBytes() < 4) {
         return;
      }
      long length = in.getUnsignedInt(in.readerIndex());
      if (length < HEADER_LENGTH || length > maxPduSize) {
         closing = true;
         logger.warn("Closing SMPP connection from {}: command_length {} outside [{}, {}]",
                     ctx.channel().remoteAddress(), length, HEADER_LENGTH, maxPduSize);
         in.skipBytes(in.readableBytes());
         ctx.close();
         return;
      }
      if (in.readableBytes() < length) {
         return;
      }
      out.add(in.readRetainedSlice((int) length));
   }
}
