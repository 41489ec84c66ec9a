import { describe, expect, it } from "vitest";
import { AckCounter, readAck, readText } from "../src/index.js";

const bytes = (text: string) => new TextEncoder().encode(text);

describe("readAck", () => {
  it("reads an ack as every side writes it, from text or bytes, as readText does", () => {
    const sent: string[] = [];
    const counter = new AckCounter((control) => sent.push(control));
    for (let n = 0; n < 300; n++) counter.count();
    counter.flush();
    expect(sent).toEqual(['\x1f["ack",128]', '\x1f["ack",256]', '\x1f["ack",300]']);
    for (const ack of [...sent, '\x1f["ack",0]', '\x1f["ack",9007199254740]']) {
      const read = readText(ack);
      expect("control" in read && read.control?.[0] === "ack" && read.control[1]).toBe(
        readAck(ack),
      );
      expect(readAck(bytes(ack))).toBe(readAck(ack));
    }
  });

  it("leaves everything else to readText: other controls, other spellings, escaped data, bad counts", () => {
    for (const text of [
      '\x1f["hello",null,0]',
      '\x1f[ "ack", 5 ]',
      '\x1f["ack",05]',
      '\x1f["ack",-1]',
      '\x1f["ack",1.5]',
      '\x1f["ack",]',
      '\x1f["ack",12',
      '\x1f\x1f["ack",12]',
      '["ack",12]',
      '\x1f["ack",1234567890123456]',
      "",
    ]) {
      expect(readAck(text)).toBeUndefined();
      expect(readAck(bytes(text))).toBeUndefined();
    }
  });
});
