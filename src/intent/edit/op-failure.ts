/** An operation that cannot be applied as asked; the message names the operation and the field. */
export class OpFailure extends Error {
  override name = "OpFailure";
}
