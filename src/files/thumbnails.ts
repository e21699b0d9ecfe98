/**
 * A placeholder of the thumbnail maker (another change brings the real one, same signature):
 * it makes none, so `GET /files/<id>/thumbnail` serves the original image, with the same
 * safe headers.
 */
export async function makeThumbnail(bytes: Buffer, type: string): Promise<{ bytes: Buffer; type: string } | undefined> {
  void bytes;
  void type;
  return undefined;
}
