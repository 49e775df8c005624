// Every kerasts package through the umbrella (which re-exports them all): its bundle must hold no
// Node module. scripts/bundle-size.mjs checks it; its size is not the point.
import * as kerasts from 'kerasts';

document.querySelector('#out')!.textContent = `${Object.keys(kerasts).length} exports`;
