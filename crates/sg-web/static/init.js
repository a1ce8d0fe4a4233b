// Progressive enhancement only: every page works without this script.
import { initAll } from '/static/govuk/govuk-frontend.min.js'
document.body.classList.add('govuk-frontend-supported')
initAll()

// The timeout warning (signed-in pages): shown before the idle sign-out, with "Stay signed in".
// After the sign-out it says so; a form sent then is kept by the server until signing in again.
const idle = Number(document.body.dataset.idleSeconds || 0)
const warn = Number(document.body.dataset.warnSeconds || 0)
const dialog = document.getElementById('timeout-warning')
if (idle > 0 && dialog && typeof dialog.showModal === 'function') {
  const text = document.getElementById('timeout-text')
  const warning = text.textContent
  const keep = document.getElementById('timeout-keep')
  const close = document.getElementById('timeout-close')
  let timers = []
  const schedule = () => {
    timers.forEach(clearTimeout)
    timers = [
      setTimeout(() => { text.textContent = warning; dialog.showModal() }, (idle - warn) * 1000),
      setTimeout(() => {
        text.textContent = text.dataset.ended
        keep.hidden = true
        close.hidden = false
        if (!dialog.open) dialog.showModal()
      }, (idle + 1) * 1000),
    ]
  }
  keep.addEventListener('submit', async (event) => {
    event.preventDefault()
    const response = await fetch(keep.action, {
      method: 'POST',
      body: new URLSearchParams(new FormData(keep)),
      redirect: 'manual',
    })
    if (response.status === 204) {
      dialog.close()
      schedule()
    } else {
      text.textContent = text.dataset.ended
      keep.hidden = true
      close.hidden = false
    }
  })
  close.addEventListener('click', () => dialog.close())
  schedule()
}

// The quick exit (survivor pages, GOV.UK "Exit this page"): the button, or Shift pressed three
// times within five seconds, hides the page at once and leaves through /survivor/exit (which
// ends the session and redirects to a neutral site), replacing this page in the history so
// Back does not return to it. Without this script the button is a plain link to the same place.
const exit = document.getElementById('quick-exit')
if (exit) {
  const leave = () => {
    document.body.hidden = true
    window.location.replace(exit.href)
  }
  exit.addEventListener('click', (event) => {
    event.preventDefault()
    leave()
  })
  let presses = []
  document.addEventListener('keyup', (event) => {
    if (event.key !== 'Shift') {
      presses = []
      return
    }
    const now = Date.now()
    presses = presses.filter((t) => now - t < 5000).concat(now)
    if (presses.length >= 3) leave()
  })
}
