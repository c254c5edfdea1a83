/** A promise and the function that settles it: a step a test lets go on when it chooses. */
export function gate() {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}
