// An interval cleared on its third run fires exactly three times.
let runs = 0;
const id = setInterval(() => {
  runs++;
  console.log(`interval ${runs}`);
  if (runs === 3) clearInterval(id);
}, 1);
